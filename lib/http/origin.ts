/**
 * Which browser origins may open a WebSocket to Pulse (as Pulse's hub checks): no Origin
 * (not a browser), the page's own host, an origin listed in ALLOWED_ORIGINS (`*` = any),
 * or a private-network origin (localhost, loopback, RFC 1918, IPv6 unique-local), since
 * Pulse usually runs on a LAN and is opened by IP address or a local name's IP.
 */
import { isIP } from "node:net";
import { normalizeOrigin } from "./header-policy.mjs";

export function isAllowedWebSocketOrigin(origin: string | undefined | null, host: string | undefined | null, allowed: readonly string[]): boolean {
  if (!origin) return true;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  const url = new URL(normalized);
  if (host && url.host.toLowerCase() === host.trim().toLowerCase()) return true;
  if (allowed.includes("*") || allowed.some((a) => normalizeOrigin(a) === normalized)) return true;
  return isPrivateNetworkHost(url.hostname);
}

/** localhost, 127/8, ::1, 10/8, 172.16/12, 192.168/16, fc00::/7 — not link-local or public addresses. */
export function isPrivateNetworkHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const kind = isIP(h);
  if (kind === 4) {
    const [a, b] = h.split(".").map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (kind === 6) {
    if (h === "::1") return true;
    // IPv4-mapped addresses, dotted or as URL parsing writes them (::ffff:a00:1).
    const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (dotted) return isPrivateNetworkHost(dotted[1]);
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
    if (hex) {
      const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
      return isPrivateNetworkHost(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return /^f[cd][0-9a-f]{2}:/.test(h);
  }
  return false;
}
