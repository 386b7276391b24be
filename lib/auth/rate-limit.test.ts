import { describe, expect, it } from "vitest";
import { RATE_LIMITS, RateLimiter, rateLimitCategory, rateLimitHeaders, SlidingWindow } from "./rate-limit";

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("rate limit categories", () => {
  it("sorts requests into Pulse's budgets", () => {
    const cases: [string, string, string | undefined][] = [
      ["POST", "/api/login", "auth"],
      ["POST", "/api/security/quick-setup", "auth"],
      ["POST", "/api/security/validate-bootstrap-token", "auth"],
      ["POST", "/api/security/change-password", "auth"],
      ["GET", "/api/oidc/login", "auth"],
      ["GET", "/api/oidc/callback", "auth"],
      ["POST", "/api/security/recovery", "recovery"],
      ["GET", "/api/security/recovery", "public"],
      ["POST", "/api/config/export", "export"],
      ["POST", "/api/config/import", "export"],
      ["GET", "/api/updates/check", "updates"],
      ["POST", "/api/updates/apply", "updates"],
      ["POST", "/api/config/nodes", "config"],
      ["DELETE", "/api/config/nodes/abc", "config"],
      ["PUT", "/api/system/mock-mode", "config"],
      ["POST", "/api/security/tokens", "config"],
      ["DELETE", "/api/admin/roles/custom", "config"],
      ["PUT", "/api/notifications/email", "config"],
      ["GET", "/api/config/nodes", "public"],
      ["GET", "/api/config", "public"],
      ["GET", "/api/discovery", "public"],
      ["GET", "/api/security/status", "public"],
      ["GET", "/api/health", "public"],
      ["HEAD", "/api/version", "public"],
      ["POST", "/api/logout", "public"],
      ["GET", "/api/resources", "general"],
      ["GET", "/api/security/tokens", "general"],
      ["POST", "/api/alerts/acknowledge", "general"],
      ["GET", "/api/audit", "general"],
      ["GET", "/api/state", undefined],
      ["GET", "/api/guests/metadata", undefined],
      ["PUT", "/api/guests/metadata/pve1-100", undefined],
    ];
    for (const [method, path, category] of cases) expect(rateLimitCategory(method, path), `${method} ${path}`).toBe(category);
    // Trailing slashes and case do not dodge a budget.
    expect(rateLimitCategory("POST", "/api/login/")).toBe("auth");
    expect(rateLimitCategory("POST", "/API/LOGIN")).toBe("auth");
  });

  it("keeps Pulse's numbers", () => {
    expect(RATE_LIMITS).toEqual({
      auth: { limit: 10, windowMs: 60_000 },
      config: { limit: 30, windowMs: 60_000 },
      export: { limit: 5, windowMs: 300_000 },
      recovery: { limit: 3, windowMs: 600_000 },
      updates: { limit: 60, windowMs: 60_000 },
      general: { limit: 500, windowMs: 60_000 },
      public: { limit: 1000, windowMs: 60_000 },
    });
  });
});

describe("sliding window limiter", () => {
  it("refuses the 11th login in a minute from one IP, and lets it through once the window slides", () => {
    const c = clock();
    const limiter = new RateLimiter(c.now);
    for (let i = 1; i <= 10; i++) {
      const d = limiter.check("POST", "/api/login", "10.0.0.5")!;
      expect(d.allowed, `attempt ${i}`).toBe(true);
      expect(d.remaining).toBe(10 - i);
      c.advance(1000);
    }
    const refused = limiter.check("POST", "/api/login", "10.0.0.5")!;
    expect(refused).toMatchObject({ category: "auth", allowed: false, limit: 10, remaining: 0 });
    // The first attempt (t=0) leaves the window at t=60s; it is now t=10s.
    expect(refused.retryAfterSeconds).toBe(50);
    expect(rateLimitHeaders(refused)).toEqual({
      "X-RateLimit-Limit": "10",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(Math.ceil((1_700_000_000_000 + 60_000) / 1000)),
      "Retry-After": "50",
    });

    // Another IP has its own budget; another category is unaffected.
    expect(limiter.check("POST", "/api/login", "10.0.0.6")!.allowed).toBe(true);
    expect(limiter.check("GET", "/api/resources", "10.0.0.5")!.allowed).toBe(true);

    // Refusals are not counted: once the first attempt slides out, exactly one more fits.
    c.advance(50_000);
    expect(limiter.check("POST", "/api/login", "10.0.0.5")!.allowed).toBe(true);
    expect(limiter.check("POST", "/api/login", "10.0.0.5")!.allowed).toBe(false);
    c.advance(1000);
    expect(limiter.check("POST", "/api/login", "10.0.0.5")!.allowed).toBe(true);
  });

  it("shares one sign-in budget across login, setup and password change", () => {
    const limiter = new RateLimiter(clock().now);
    const paths = ["/api/login", "/api/security/quick-setup", "/api/security/change-password", "/api/security/validate-bootstrap-token", "/api/oidc/callback"];
    for (let i = 0; i < 10; i++) expect(limiter.check("POST", paths[i % paths.length], "ip")!.allowed).toBe(true);
    expect(limiter.check("POST", "/api/login", "ip")!.allowed).toBe(false);
  });

  it("applies the other budgets at their real sizes", () => {
    const c = clock();
    const limiter = new RateLimiter(c.now);
    const exhaust = (method: string, path: string, n: number) => {
      for (let i = 0; i < n; i++) expect(limiter.check(method, path, "ip")!.allowed, `${method} ${path} #${i + 1}`).toBe(true);
      return limiter.check(method, path, "ip")!;
    };
    expect(exhaust("POST", "/api/config/nodes", 30).allowed).toBe(false);
    expect(exhaust("POST", "/api/config/export", 5)).toMatchObject({ allowed: false, retryAfterSeconds: 300 });
    expect(exhaust("POST", "/api/security/recovery", 3)).toMatchObject({ allowed: false, retryAfterSeconds: 600 });
    expect(exhaust("GET", "/api/updates/check", 60).allowed).toBe(false);
    expect(exhaust("GET", "/api/resources", 500).allowed).toBe(false);
    expect(exhaust("GET", "/api/health", 1000).allowed).toBe(false);
    // The export window is five minutes long.
    c.advance(299_000);
    expect(limiter.check("POST", "/api/config/export", "ip")!.allowed).toBe(false);
    c.advance(1000);
    expect(limiter.check("POST", "/api/config/export", "ip")!.allowed).toBe(true);
  });

  it("forgets addresses whose requests have left the window", () => {
    const c = clock();
    const window = new SlidingWindow(10, 60_000, c.now);
    for (let i = 0; i < 999; i++) window.take(`10.1.${i >> 8}.${i & 255}`);
    expect(window.size).toBe(999);
    c.advance(60_001);
    window.take("10.9.9.9");
    expect(window.size).toBe(1);
  });

  it("never limits the polled state endpoints", () => {
    const limiter = new RateLimiter(clock().now);
    for (let i = 0; i < 2000; i++) expect(limiter.check("GET", "/api/state", "ip")).toBeUndefined();
  });
});
