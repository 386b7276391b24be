/**
 * The caller's IP for lockouts, rate limits and the audit log. The custom server puts the
 * socket address in `x-pulse-client-ip` (and strips any such header from the client);
 * `X-Forwarded-For` is trusted only from loopback proxies.
 */
export function clientIp(request: Request): string {
  const direct = request.headers.get("x-pulse-client-ip") ?? "";
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0].trim();
  if (forwarded && isLoopback(direct)) return forwarded;
  return direct || "unknown";
}

export function isLoopback(ip: string): boolean {
  return ip === "127.0.0.1" || ip === "::1" || ip === "::ffff:127.0.0.1" || ip.startsWith("127.");
}
