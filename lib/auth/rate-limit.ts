/**
 * Per-IP request limits with Pulse's categories and numbers (sliding windows): sign-in
 * endpoints 10/min, configuration writes 30/min, export/import 5 per 5 min, recovery 3 per
 * 10 min, updates 60/min, everything else 500/min, public and configuration reads
 * 1000/min. `/api/state` and `/api/guests/metadata` are polled by the UI and never limited.
 */
import { matchRoute } from "./route-access";

export type RateLimitCategory = "auth" | "config" | "export" | "recovery" | "updates" | "general" | "public";

export const RATE_LIMITS: Readonly<Record<RateLimitCategory, { limit: number; windowMs: number }>> = {
  auth: { limit: 10, windowMs: 60_000 },
  config: { limit: 30, windowMs: 60_000 },
  export: { limit: 5, windowMs: 5 * 60_000 },
  recovery: { limit: 3, windowMs: 10 * 60_000 },
  updates: { limit: 60, windowMs: 60_000 },
  general: { limit: 500, windowMs: 60_000 },
  public: { limit: 1000, windowMs: 60_000 },
};

const EXEMPT = ["/api/state", "/api/guests/metadata"];
const AUTH_PATHS = new Set([
  "/api/login",
  "/api/security/quick-setup",
  "/api/security/validate-bootstrap-token",
  "/api/security/change-password",
  "/api/oidc/login",
  "/api/oidc/callback",
]);
const EXPORT_PATHS = new Set(["/api/config/export", "/api/config/import"]);
/** Writes under these prefixes change configuration or security. */
const CONFIG_WRITE_PREFIXES = [
  "/api/config/",
  "/api/system/",
  "/api/security/",
  "/api/admin/",
  "/api/notifications/",
  "/api/settings/",
  "/api/license/",
  "/api/logs/",
  "/api/alerts/config",
  "/api/discovery/settings",
  "/api/setup-script-url",
  "/api/agent-install-command",
  "/api/test-notification",
];
/** Reads the settings pages make in bursts get the public budget, as in Pulse. */
const CONFIG_READ_PREFIXES = ["/api/config", "/api/discover", "/api/discovery", "/api/security/status"];

/** `prefix/` matches what is below it; `prefix` also matches itself. */
const isUnder = (path: string, prefix: string) => (prefix.endsWith("/") ? path.startsWith(prefix) : path === prefix || path.startsWith(`${prefix}/`));

/** The budget a request draws from; `undefined` for paths that are never limited. */
export function rateLimitCategory(method: string, pathname: string): RateLimitCategory | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "").toLowerCase() : pathname;
  const read = method === "GET" || method === "HEAD";
  if (EXEMPT.some((p) => path === p || path.startsWith(`${p}/`))) return undefined;
  if (AUTH_PATHS.has(path)) return "auth";
  // Reading the recovery status is harmless; using a recovery token is what is limited.
  if (path === "/api/security/recovery" && !read) return "recovery";
  if (EXPORT_PATHS.has(path)) return "export";
  if (path === "/api/updates" || path.startsWith("/api/updates/")) return "updates";
  if (!read && CONFIG_WRITE_PREFIXES.some((p) => isUnder(path, p))) return "config";
  if (read && (CONFIG_READ_PREFIXES.some((p) => isUnder(path, p)) || matchRoute("GET", path)?.access.scope === "public")) return "public";
  if (!read && matchRoute(method, path)?.access.scope === "public") return "public";
  return "general";
}

export interface RateLimitDecision {
  category: RateLimitCategory;
  allowed: boolean;
  limit: number;
  remaining: number;
  /** when the oldest counted request leaves the window (epoch ms) */
  resetAt: number;
  /** seconds until a refused caller may try again (0 when allowed) */
  retryAfterSeconds: number;
}

/** A sliding log per key: the times of the requests inside the window. */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();
  private checks = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): Omit<RateLimitDecision, "category"> {
    const now = this.now();
    const cutoff = now - this.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (++this.checks % 1000 === 0) this.sweep(cutoff);
    if (times.length >= this.limit) {
      this.hits.set(key, times);
      const resetAt = times[0] + this.windowMs;
      return { allowed: false, limit: this.limit, remaining: 0, resetAt, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)) };
    }
    times.push(now);
    this.hits.set(key, times);
    return { allowed: true, limit: this.limit, remaining: this.limit - times.length, resetAt: times[0] + this.windowMs, retryAfterSeconds: 0 };
  }

  /** Forget keys with nothing left in the window, so one-off callers do not accumulate. */
  private sweep(cutoff: number): void {
    for (const [key, times] of this.hits) if (times[times.length - 1] <= cutoff) this.hits.delete(key);
  }

  get size(): number {
    return this.hits.size;
  }
}

export class RateLimiter {
  private readonly windows: Record<RateLimitCategory, SlidingWindow>;

  constructor(now: () => number = Date.now) {
    this.windows = Object.fromEntries(
      Object.entries(RATE_LIMITS).map(([category, { limit, windowMs }]) => [category, new SlidingWindow(limit, windowMs, now)]),
    ) as Record<RateLimitCategory, SlidingWindow>;
  }

  /** Counts the request against its category's budget for `ip`; `undefined` when the path is exempt. */
  check(method: string, pathname: string, ip: string): RateLimitDecision | undefined {
    const category = rateLimitCategory(method, pathname);
    if (!category) return undefined;
    return { category, ...this.windows[category].take(ip) };
  }
}

// Route handlers are bundled separately; one limiter per process, shared through globalThis.
const g = globalThis as unknown as { __pulseRateLimiter?: RateLimiter };

export function rateLimiter(): RateLimiter {
  g.__pulseRateLimiter ??= new RateLimiter();
  return g.__pulseRateLimiter;
}

/** The headers every limited response carries (Reset in epoch seconds). */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(d.limit),
    "X-RateLimit-Remaining": String(d.remaining),
    "X-RateLimit-Reset": String(Math.ceil(d.resetAt / 1000)),
  };
  if (!d.allowed) headers["Retry-After"] = String(d.retryAfterSeconds);
  return headers;
}
