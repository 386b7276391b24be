import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTINGS_KEY } from "../config/system-settings";
import { setSetting } from "../db/settings";
import { useTestDatabase } from "../db/test-support";
import { contentSecurityPolicy, corsHeaders, parseOriginList, securityHeaders, staticHeaderRules } from "./header-policy.mjs";
import { applySecurityHeaders, refreshHeaderPolicy, type ResolvedHeaderPolicy, resolveHeaderPolicy } from "./security-headers";

const env = (over: Partial<Parameters<typeof resolveHeaderPolicy>[0]> = {}) => ({ NODE_ENV: "production" as const, ALLOW_EMBEDDING: false, ...over });

describe("header policy", () => {
  it("denies framing by default and sends the full set", () => {
    const h = securityHeaders(resolveHeaderPolicy(env()));
    expect(h).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Permissions-Policy": "geolocation=(), microphone=(), camera=()",
    });
    const csp = h["Content-Security-Policy"];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("allows eval only for the development server", () => {
    expect(contentSecurityPolicy({ allowEmbedding: false, embedOrigins: [], dev: true })).toContain("'unsafe-eval'");
  });

  it("lets listed origins (or anyone) embed once embedding is on", () => {
    const listed = securityHeaders(resolveHeaderPolicy(env({ ALLOW_EMBEDDING: true, ALLOWED_EMBED_ORIGINS: "https://dash.example.org, https://home.lan:8123/ , not a url" })));
    expect(listed["X-Frame-Options"]).toBeUndefined();
    expect(listed["Content-Security-Policy"]).toContain("frame-ancestors 'self' https://dash.example.org https://home.lan:8123");
    const any = securityHeaders(resolveHeaderPolicy(env({ ALLOW_EMBEDDING: true })));
    expect(any["Content-Security-Policy"]).toContain("frame-ancestors *");
  });

  it("takes embedding from the stored settings unless the environment says more", () => {
    expect(resolveHeaderPolicy(env(), { allowEmbedding: true, allowedEmbedOrigins: "https://a.example" })).toMatchObject({ allowEmbedding: true, embedOrigins: ["https://a.example"] });
    expect(resolveHeaderPolicy(env({ ALLOWED_EMBED_ORIGINS: "https://b.example" }), { allowEmbedding: true, allowedEmbedOrigins: "https://a.example" }).embedOrigins).toEqual(["https://b.example"]);
    expect(resolveHeaderPolicy(env({ ALLOW_EMBEDDING: true }), { allowEmbedding: false }).allowEmbedding).toBe(true);
    expect(resolveHeaderPolicy(env(), { allowEmbedding: false }).allowEmbedding).toBe(false);
  });

  it("answers CORS only for allowed origins", () => {
    expect(parseOriginList("https://a.example, *, https://A.example:443/")).toEqual(["https://a.example", "*"]);
    expect(corsHeaders("https://a.example", [])).toBeUndefined();
    expect(corsHeaders("https://a.example", ["https://a.example"])).toMatchObject({ "Access-Control-Allow-Origin": "https://a.example", Vary: "Origin" });
    expect(corsHeaders("https://b.example", ["https://a.example"])).toBeUndefined();
    expect(corsHeaders("https://b.example", ["*"])).toMatchObject({ "Access-Control-Allow-Origin": "*" });
    expect(corsHeaders("https://a.example", ["https://a.example"])?.["Access-Control-Allow-Credentials"]).toBeUndefined();
  });

  it("builds next.config.js rules that stand aside when the custom server answers", () => {
    const [all, cors] = staticHeaderRules({ NODE_ENV: "production", ALLOWED_ORIGINS: "https://a.example" });
    expect(all.source).toBe("/:path*");
    expect(all.missing).toEqual([{ type: "header", key: "x-pulse-client-ip" }]);
    expect(Object.fromEntries(all.headers.map((h) => [h.key, h.value]))).toMatchObject({ "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff" });
    expect(cors.source).toBe("/api/:path*");
    expect(cors.headers).toContainEqual({ key: "Access-Control-Allow-Origin", value: "https://a.example" });
    expect(staticHeaderRules({ NODE_ENV: "production", ALLOWED_ORIGINS: "https://a.example,https://b.example" })).toHaveLength(1);
    const embedded = staticHeaderRules({ ALLOW_EMBEDDING: "true", ALLOWED_EMBED_ORIGINS: "https://a.example" })[0].headers;
    expect(embedded.find((h) => h.key === "X-Frame-Options")).toBeUndefined();
  });
});

describe("applying headers on the custom server", () => {
  let server: Server;
  let url: string;
  let policy: ResolvedHeaderPolicy = resolveHeaderPolicy(env());

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (applySecurityHeaders(req, res, policy)) return;
      res.setHeader("content-type", "application/json");
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("stays same-origin by default", async () => {
    policy = resolveHeaderPolicy(env());
    const res = await fetch(`${url}/api/state`, { headers: { Origin: "https://elsewhere.example" } });
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${url}/api/state`, { method: "OPTIONS", headers: { Origin: "https://elsewhere.example", "Access-Control-Request-Method": "GET" } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers preflights and sets ACAO for allowed origins", async () => {
    policy = resolveHeaderPolicy(env({ ALLOWED_ORIGINS: "https://dash.example.org" }));
    const preflight = await fetch(`${url}/api/config/nodes`, {
      method: "OPTIONS",
      headers: { Origin: "https://dash.example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-token, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://dash.example.org");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("X-API-Token");
    expect(preflight.headers.get("x-content-type-options")).toBe("nosniff");

    const get = await fetch(`${url}/api/state`, { headers: { Origin: "https://dash.example.org" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("https://dash.example.org");
    expect(get.headers.get("vary")).toBe("Origin");
    const other = await fetch(`${url}/api/state`, { headers: { Origin: "https://other.example.org" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("vary")).toBe("Origin");
  });
});

describe("embedding from the stored settings", () => {
  const testDb = useTestDatabase("sqlite");

  it("follows allowEmbedding in the system settings", async () => {
    expect((await refreshHeaderPolicy()).allowEmbedding).toBe(false);
    await setSetting(testDb.db, SETTINGS_KEY, { allowEmbedding: true, allowedEmbedOrigins: "https://ha.example.org" });
    const policy = await refreshHeaderPolicy();
    expect(policy).toMatchObject({ allowEmbedding: true, embedOrigins: ["https://ha.example.org"] });
    expect(securityHeaders(policy)["Content-Security-Policy"]).toContain("frame-ancestors 'self' https://ha.example.org");
  });
});
