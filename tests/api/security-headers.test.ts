import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTINGS_KEY } from "@/lib/config/system-settings";
import { setSetting } from "@/lib/db/settings";
import { openServerDb } from "../helpers/db";
import { freePort, ROOT, startTestServer, TEST_TOKEN, type TestServer, waitFor } from "../helpers/server";

const BASE_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "geolocation=(), microphone=(), camera=()",
};

function expectLockedDown(res: Response, what: string) {
  for (const [name, value] of Object.entries(BASE_HEADERS)) expect(res.headers.get(name), `${what}: ${name}`).toBe(value);
  expect(res.headers.get("x-frame-options"), what).toBe("DENY");
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp, what).toContain("default-src 'self'");
  expect(csp, what).toContain("script-src 'self' 'unsafe-inline'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).not.toContain("unsafe-eval");
}

describe("security headers, CORS and rate limits (default configuration)", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv?.stop());

  it("puts the security headers on pages, API answers, errors and static files", async () => {
    const page = await srv.fetch("/", { auth: false });
    expectLockedDown(page, "page");
    const html = await page.text();
    expectLockedDown(await srv.fetch("/api/health", { auth: false }), "public API");
    expectLockedDown(await srv.fetch("/api/state"), "API");
    expectLockedDown(await srv.fetch("/api/state", { auth: false }), "401");
    expectLockedDown(await srv.fetch("/no-such-page", { auth: false }), "404 page");
    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    expectLockedDown(await srv.fetch(asset!, { auth: false }), "static file");
    // One value each: the next.config.js rules stand aside for the custom server.
    expect((await srv.fetch("/", { auth: false })).headers.get("x-frame-options")).toBe("DENY");
  });

  it("is same-origin only by default", async () => {
    const cross = await srv.fetch("/api/state", { headers: { Origin: "https://elsewhere.example" } });
    expect(cross.status).toBe(200);
    expect(cross.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await srv.fetch("/api/state", { auth: false, method: "OPTIONS", headers: { Origin: "https://elsewhere.example", "Access-Control-Request-Method": "GET" } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses the 11th sign-in attempt in a minute from one address with Pulse's 429", async () => {
    const attempt = (ip: string) =>
      srv.fetch("/api/login", {
        auth: false,
        method: "POST",
        headers: { "content-type": "application/json", "X-Forwarded-For": ip },
        body: JSON.stringify({ username: "nobody", password: "not-the-password" }),
      });
    for (let i = 1; i <= 10; i++) {
      const res = await attempt("10.40.0.1");
      expect(res.status, `attempt ${i}`).not.toBe(429);
      expect(res.headers.get("x-ratelimit-limit")).toBe("10");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(10 - i));
      await res.body?.cancel();
    }
    const refused = await attempt("10.40.0.1");
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body).toMatchObject({ error: "rate_limit", code: "rate_limit", status_code: 429 });
    expect(body.message).toMatch(/try again/i);
    expect(typeof body.timestamp).toBe("number");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("x-ratelimit-limit")).toBe("10");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    const reset = Number(refused.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
    expectLockedDown(refused, "429");

    // Another address has its own budget; other categories are not touched.
    expect((await attempt("10.40.0.2")).status).not.toBe(429);
    const general = await srv.fetch("/api/resources", { headers: { "X-Forwarded-For": "10.40.0.1" } });
    expect(general.status).toBe(200);
    expect(general.headers.get("x-ratelimit-limit")).toBe("500");
    // The state endpoint the UI polls is never limited.
    expect((await srv.fetch("/api/state")).headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("follows the stored allowEmbedding setting without a restart", async () => {
    const db = openServerDb(srv.dataDir);
    try {
      await setSetting(db, SETTINGS_KEY, { allowEmbedding: true, allowedEmbedOrigins: "https://ha.example.org" });
      const res = await waitFor(async () => {
        const r = await srv.fetch("/", { auth: false });
        await r.body?.cancel();
        return r.headers.get("x-frame-options") === null ? r : undefined;
      }, 15_000, "the embedding setting to apply");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'self' https://ha.example.org");
      await setSetting(db, SETTINGS_KEY, { allowEmbedding: false });
      await waitFor(async () => {
        const r = await srv.fetch("/", { auth: false });
        await r.body?.cancel();
        return r.headers.get("x-frame-options") === "DENY";
      }, 15_000, "the embedding setting to be withdrawn");
    } finally {
      await db.$disconnect();
    }
  });

  describe("without the custom server (next start)", () => {
    let child: ChildProcess | undefined;
    afterAll(() => {
      child?.kill("SIGKILL");
    });

    it("sends the same headers through next.config.js", async () => {
      const port = await freePort();
      child = spawn(process.execPath, [`${ROOT}/node_modules/next/dist/bin/next`, "start", "-p", String(port), "-H", "127.0.0.1"], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: "production", PULSE_DATA_DIR: srv.dataDir, API_TOKENS: TEST_TOKEN, PULSE_LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" },
        stdio: "ignore",
      });
      const health = await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        return res.ok ? res : undefined;
      }, 60_000, "next start to answer");
      expectLockedDown(health, "next start API");
      expectLockedDown(await fetch(`http://127.0.0.1:${port}/`), "next start page");
    });
  });
});

describe("security headers with embedding and CORS configured", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ ALLOW_EMBEDDING: "true", ALLOWED_EMBED_ORIGINS: "https://dash.example.org", ALLOWED_ORIGINS: "https://app.example.org" });
  });
  afterAll(() => srv?.stop());

  it("lets the listed origin embed Pulse", async () => {
    const page = await srv.fetch("/", { auth: false });
    expect(page.headers.get("x-frame-options")).toBeNull();
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'self' https://dash.example.org");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers preflights and shares answers with the allowed origin only", async () => {
    const preflight = await srv.fetch("/api/config/nodes", {
      auth: false,
      method: "OPTIONS",
      headers: { Origin: "https://app.example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, x-api-token" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/X-API-Token/i);
    expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);

    const allowed = await srv.fetch("/api/state", { headers: { Origin: "https://app.example.org" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    const other = await srv.fetch("/api/state", { headers: { Origin: "https://evil.example.org" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const refused = await srv.fetch("/api/state", { auth: false, method: "OPTIONS", headers: { Origin: "https://evil.example.org", "Access-Control-Request-Method": "GET" } });
    expect(refused.status).toBe(403);
  });
});
