import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_ACCESS, type RouteAccess } from "@/lib/auth/route-access";
import { ROOT, startTestServer, type TestServer } from "../helpers/server";

/**
 * The guard walk: every route handler goes through `apiRoute` with its own entry of the
 * access table, and every protected entry of the table — built or not — refuses callers
 * without credentials, and callers whose token lacks the scope.
 */

const ENTRIES = Object.entries(ROUTE_ACCESS as Record<string, RouteAccess>).map(([key, access]) => {
  const [method, pattern] = key.split(" ", 2);
  return { key, method, pattern, access, path: pattern.replace(/\{[^}]+\}/g, "guard-dummy") };
});
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

/** app/api/config/nodes/[id]/route.ts → /api/config/nodes/{id} (route groups dropped). */
function urlPathOf(file: string): string {
  const dir = path.relative(path.join(ROOT, "app"), path.dirname(file));
  const segments = dir.split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/")}`;
}

/** What is wrong with one route file's exports (empty when every method is guarded properly). */
function routeProblems(source: string, expectedPath: string): string[] {
  const problems: string[] = [];
  const exported = [...source.matchAll(/export\s+(?:const|let|var|async\s+function|function)\s+([A-Z]+)\b/g)].map((m) => m[1]).filter((n) => METHODS.includes(n));
  const wrapped = new Map([...source.matchAll(/export\s+const\s+([A-Z]+)\s*=\s*apiRoute\s*(?:<[^(]*?>)?\s*\(\s*"([^"]+)"/g)].map((m) => [m[1], m[2]]));
  if (!exported.length) problems.push("exports no HTTP method");
  for (const method of exported) {
    const key = wrapped.get(method);
    if (!key) {
      problems.push(`${method} is not apiRoute("<METHOD> <path>", …)`);
      continue;
    }
    const [keyMethod, keyPath] = key.split(" ", 2);
    if (!(key in ROUTE_ACCESS)) problems.push(`${method} uses "${key}", which is not in ROUTE_ACCESS`);
    if (keyMethod !== method) problems.push(`export ${method} uses the key of ${keyMethod}`);
    if (keyPath !== expectedPath) problems.push(`key "${key}" does not match the file's path ${expectedPath}`);
  }
  return problems;
}

describe("route guard: static check of the route handlers", () => {
  const files = routeFiles(path.join(ROOT, "app", "api")).filter((f) => !f.includes(`${path.sep}[...path]${path.sep}`));

  it("finds the handlers", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("wraps every exported method in apiRoute with a table key matching the file's path", () => {
    const problems = files.flatMap((file) => routeProblems(readFileSync(file, "utf8"), urlPathOf(file)).map((p) => `${path.relative(ROOT, file)}: ${p}`));
    expect(problems).toEqual([]);
  });

  it("would notice an unguarded or mislabelled handler", () => {
    const at = "/api/security/tokens/{id}";
    expect(routeProblems('export const DELETE = apiRoute<{ id: string }>(\n  "DELETE /api/security/tokens/{id}", h);', at)).toEqual([]);
    expect(routeProblems("export async function DELETE(req: Request) { return new Response(); }", at)).toEqual(['DELETE is not apiRoute("<METHOD> <path>", …)']);
    expect(routeProblems('export const DELETE = apiRoute("GET /api/security/tokens", h);', at)).toEqual([
      "export DELETE uses the key of GET",
      'key "GET /api/security/tokens" does not match the file\'s path /api/security/tokens/{id}',
    ]);
    expect(routeProblems('export const DELETE = apiRoute("DELETE /api/security/tokens/{token}" as never, h);', at)).toEqual([
      'DELETE uses "DELETE /api/security/tokens/{token}", which is not in ROUTE_ACCESS',
      'key "DELETE /api/security/tokens/{token}" does not match the file\'s path /api/security/tokens/{id}',
    ]);
    expect(routeProblems("export const dynamic = 'force-dynamic';", at)).toEqual(["exports no HTTP method"]);
  });

  it("derives paths as Next routes them", () => {
    expect(urlPathOf(path.join(ROOT, "app/api/admin/users/[username]/roles/[role_id]/route.ts"))).toBe("/api/admin/users/{username}/roles/{role_id}");
    expect(urlPathOf(path.join(ROOT, "app/api/(group)/health/route.ts"))).toBe("/api/health");
  });
});

describe("route guard: every table entry on a configured server", () => {
  let srv: TestServer;
  let readerToken: string;
  // One forwarded address per request: the walk makes far more requests than one IP's budget.
  let client = 0;
  const from = () => `10.30.${Math.floor(++client / 250)}.${client % 250}`;

  beforeAll(async () => {
    srv = await startTestServer();
    const res = await srv.fetch("/api/security/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "guard-reader", scopes: ["monitoring:read"] }),
    });
    expect(res.status).toBe(200);
    readerToken = (await res.json()).token;
  });
  afterAll(() => srv?.stop());

  async function call(e: (typeof ENTRIES)[number], headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const init: RequestInit = { method: e.method, redirect: "manual", headers: { "X-Forwarded-For": from(), ...headers } };
    if (e.method !== "GET" && e.method !== "HEAD") {
      init.body = "{}";
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(`${srv.url}${e.path}`, init);
    let body: Record<string, unknown> = {};
    if (res.headers.get("content-type")?.includes("json")) body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    else await res.body?.cancel();
    return { status: res.status, body };
  }

  it("refuses anonymous callers with 401 on every protected entry", async () => {
    const protectedEntries = ENTRIES.filter((e) => e.access.scope !== "public");
    expect(protectedEntries.length).toBeGreaterThan(250);
    const wrong: string[] = [];
    for (const e of protectedEntries) {
      const { status, body } = await call(e, {});
      if (status !== 401 || body.code !== "unauthorized") wrong.push(`${e.key} → ${status} ${String(body.code ?? "")}`);
    }
    expect(wrong).toEqual([]);
  });

  it("refuses a monitoring:read token with 403 missing_scope wherever it needs another scope", async () => {
    const held = new Set(["monitoring:read"]);
    const needsMore = ENTRIES.filter((e) => !["public", "authenticated"].includes(e.access.scope) && !held.has(e.access.scope));
    // Every write, manage and report scope is among them.
    const stronger = needsMore.filter((e) => /:(write|manage|report)$/.test(e.access.scope));
    expect(stronger.length).toBeGreaterThan(100);
    expect(new Set(stronger.map((e) => e.access.scope))).toEqual(
      new Set(["monitoring:write", "settings:write", "docker:report", "docker:manage", "kubernetes:report", "kubernetes:manage", "host-agent:report", "host-agent:manage"]),
    );
    const wrong: string[] = [];
    for (const e of needsMore) {
      const { status, body } = await call(e, { "X-API-Token": readerToken });
      if (status !== 403 || body.code !== "missing_scope" || body.requiredScope !== e.access.scope) wrong.push(`${e.key} → ${status} ${String(body.code ?? "")}`);
    }
    expect(wrong).toEqual([]);

    // Where monitoring:read is enough, the guard lets it through (to a handler or "not built yet").
    const allowed = ENTRIES.filter((e) => held.has(e.access.scope));
    expect(allowed.length).toBeGreaterThan(50);
    for (const e of allowed) {
      const { status, body } = await call(e, { "X-API-Token": readerToken });
      if (status === 401 || status === 403 || status >= 500) wrong.push(`${e.key} → ${status} ${String(body.code ?? "")}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers public entries without credentials", async () => {
    const publicEntries = ENTRIES.filter((e) => e.access.scope === "public");
    expect(publicEntries.map((e) => e.key)).toEqual(expect.arrayContaining(["GET /api/health", "GET /api/version", "POST /api/login"]));
    const wrong: string[] = [];
    for (const e of publicEntries) {
      const { status, body } = await call(e, {});
      const guardRefusal = status === 401 && (body.code === "setup_required" || body.error === "Authentication required");
      if (guardRefusal || status >= 500) wrong.push(`${e.key} → ${status} ${String(body.code ?? "")}`);
    }
    expect(wrong).toEqual([]);
    expect((await call(ENTRIES.find((e) => e.key === "GET /api/health")!, {})).status).toBe(200);
  });
});
