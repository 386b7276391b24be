import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { openServerDb } from "../helpers/db";
import { startTestServer, TEST_TOKEN, type TestServer } from "../helpers/server";

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers },
});

interface TokenView {
  id: string;
  name: string;
  prefix: string;
  suffix: string;
  createdAt: string;
  lastUsedAt?: string;
  scopes: string[];
  source: string;
}
interface AuditEvent {
  id: string;
  timestamp: string;
  event: string;
  user: string;
  ip: string;
  path: string;
  success: boolean;
  details: string;
  signature: string;
}

describe("API tokens and the audit log", () => {
  let srv: TestServer;
  let db: Db;

  beforeAll(async () => {
    srv = await startTestServer();
    db = openServerDb(srv.dataDir);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await srv?.stop();
  });

  // Each request from its own forwarded address: this file makes more configuration writes
  // than one IP may make in a minute (rate limits are covered in security-headers.test.ts).
  let client = 0;
  const call = (path: string, init: RequestInit & { auth?: boolean; headers?: Record<string, string> } = {}) =>
    srv.fetch(path, { ...init, headers: { "X-Forwarded-For": `10.21.${Math.floor(++client / 250)}.${client % 250}`, ...init.headers } });

  const listTokens = async (): Promise<TokenView[]> => (await (await call("/api/security/tokens")).json()).tokens;
  const mint = async (name: string, scopes?: string[], headers?: Record<string, string>) => call("/api/security/tokens", json("POST", { name, scopes }, headers));
  const audit = async (query = ""): Promise<{ events: AuditEvent[]; total: number; persistentLogging: boolean }> => (await call(`/api/audit${query}`)).json();

  let reader: { token: string; record: TokenView };

  it("creates a scoped token shown once, lists it without secrets and records when it is used", async () => {
    const res = await mint("ansible", ["monitoring:read"]);
    expect(res.status).toBe(200);
    reader = await res.json();
    expect(reader.token).toMatch(/^[0-9a-f]{64}$/);
    expect(reader.record).toMatchObject({ name: "ansible", prefix: reader.token.slice(0, 6), suffix: reader.token.slice(-4), scopes: ["monitoring:read"], source: "user" });
    expect(reader.record.lastUsedAt).toBeUndefined();

    const tokens = await listTokens();
    expect(tokens.find((t) => t.source === "env")).toMatchObject({ id: "env-token-1", scopes: ["*"] });
    const listed = tokens.find((t) => t.id === reader.record.id)!;
    expect(Object.keys(listed).sort()).toEqual(["createdAt", "id", "name", "prefix", "scopes", "source", "suffix"]);
    const raw = JSON.stringify(tokens);
    expect(raw).not.toContain(reader.token);
    expect(raw).not.toContain(TEST_TOKEN);
    expect(raw).not.toMatch(/[0-9a-f]{64}/);

    const used = await call("/api/state", { auth: false, headers: { "X-API-Token": reader.token } });
    expect(used.status).toBe(200);
    const after = (await listTokens()).find((t) => t.id === reader.record.id)!;
    expect(after.lastUsedAt).toBeDefined();
    expect(Date.parse(after.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(after.createdAt));

    // Its scope is all it can do.
    const write = await call("/api/config/nodes", json("POST", {}, { "X-API-Token": reader.token }));
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ code: "missing_scope", requiredScope: "settings:write" });
    const manage = await call("/api/security/tokens", { headers: { "X-API-Token": reader.token } });
    expect(manage.status).toBe(403);
  });

  it("validates the request and never grants more than the caller holds", async () => {
    for (const body of [{ name: "" }, { name: "x".repeat(129) }, { name: "a", scopes: ["root"] }, { name: "a", scopes: ["*", "monitoring:read"] }, { scopes: ["monitoring:read"] }]) {
      const res = await call("/api/security/tokens", json("POST", body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).code).toBe("validation_failed");
    }
    expect((await call("/api/security/tokens", json("POST", "{not json"))).status).toBe(400);

    // Empty scopes mean full access.
    const full = await (await mint("full", [])).json();
    expect(full.record.scopes).toEqual(["*"]);

    const settings = await (await mint("settings-admin", ["settings:read", "settings:write"])).json();
    const as = { "X-API-Token": settings.token };
    const narrower = await mint("narrower", ["settings:read"], as);
    expect(narrower.status).toBe(200);
    for (const scopes of [["monitoring:read"], [], ["*"]]) {
      const res = await mint("wider", scopes, as);
      expect(res.status, JSON.stringify(scopes)).toBe(403);
      expect((await res.json()).code).toBe("forbidden");
    }
    // Nor may it regenerate the full-access primary token.
    expect((await call("/api/security/regenerate-token", json("POST", {}, as))).status).toBe(403);
  });

  it("revokes stored tokens at once; env tokens cannot be revoked here", async () => {
    const del = await call(`/api/security/tokens/${reader.record.id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await call("/api/state", { auth: false, headers: { "X-API-Token": reader.token } })).status).toBe(401);
    expect((await listTokens()).some((t) => t.id === reader.record.id)).toBe(false);
    expect((await call(`/api/security/tokens/${reader.record.id}`, { method: "DELETE" })).status).toBe(404);
    const env = await call("/api/security/tokens/env-token-1", { method: "DELETE" });
    expect(env.status).toBe(400);
    expect((await env.json()).error).toMatch(/API_TOKENS/);
  });

  it("validates a raw token", async () => {
    expect(await (await call("/api/security/validate-token", json("POST", { token: TEST_TOKEN }))).json()).toEqual({ valid: true, message: "Token is valid" });
    expect(await (await call("/api/security/validate-token", json("POST", { token: reader.token }))).json()).toMatchObject({ valid: false });
    expect((await call("/api/security/validate-token", json("POST", {}))).status).toBe(400);
  });

  it("regenerates the primary token in Pulse's shape, replacing the previous one", async () => {
    const first = await call("/api/security/regenerate-token", json("POST", {}));
    expect(first.status).toBe(200);
    const a = await first.json();
    expect(a).toMatchObject({ success: true, requiresRestart: false });
    expect(a.token).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof a.deploymentType).toBe("string");
    expect(a.message).toMatch(/^New API token generated and active immediately! Save this token - it won't be shown again\./);
    expect(a.message).toMatch(/API_TOKENS/);
    expect((await call("/api/state", { auth: false, headers: { Authorization: `Bearer ${a.token}` } })).status).toBe(200);

    const b = await (await call("/api/security/regenerate-token", json("POST", {}))).json();
    expect((await call("/api/state", { auth: false, headers: { "X-API-Token": a.token } })).status).toBe(401);
    expect((await call("/api/state", { auth: false, headers: { "X-API-Token": b.token } })).status).toBe(200);
    const regenerated = (await listTokens()).filter((t) => t.name.startsWith("regenerated-"));
    expect(regenerated).toHaveLength(1);
    expect(regenerated[0]).toMatchObject({ scopes: ["*"], source: "setup" });
    // The env token still works.
    expect((await call("/api/state")).status).toBe(200);
  });

  it("audits token changes and lists events newest first with filters", async () => {
    const created = await audit("?event=token_created");
    expect(created.persistentLogging).toBe(true);
    expect(created.total).toBe(4);
    const first = created.events.find((e) => e.details.includes('"ansible"'))!;
    expect(first).toMatchObject({ event: "token_created", user: "token:env-token-1", path: "/api/security/tokens", success: true });
    expect(first.ip).toMatch(/^10\.21\.\d+\.\d+$/);
    expect(first.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(first.signature).toMatch(/^[0-9a-f]{64}$/);
    expect((await audit("?event=token_deleted")).events).toHaveLength(1);
    expect((await audit("?event=token_regenerated")).events[0].details).toMatch(/revoked 1 previous/);
    // The narrower token minted by the settings token is attributed to it.
    expect((await audit("?user=token:settings-admin")).events.map((e) => e.event)).toEqual(["token_created"]);

    const all = await audit("?limit=1000");
    const times = all.events.map((e) => Date.parse(e.timestamp));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(all.events[0].event).toBe("token_regenerated");
    const page = await audit("?limit=2&offset=1");
    expect(page.total).toBe(all.total);
    expect(page.events.map((e) => e.id)).toEqual(all.events.slice(1, 3).map((e) => e.id));
    expect((await audit("?success=false")).total).toBe(0);
    expect((await audit(`?startTime=${new Date(Date.now() + 3_600_000).toISOString()}`)).total).toBe(0);
    expect((await audit(`?startTime=2000-01-01T00:00:00Z&endTime=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).total).toBe(all.total);

    for (const q of ["?limit=1001", "?limit=0", "?startTime=yesterday", "?endTime=2024-01-01", "?success=maybe", "?offset=-3"]) {
      const res = await call(`/api/audit${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).code).toBe("validation_failed");
    }
  });

  it("verifies signatures and detects rows edited in the database", async () => {
    const events = (await audit("?event=token_created")).events;
    const [a, b, c] = events;
    for (const e of events) {
      expect(await (await call(`/api/audit/${e.id}/verify`)).json()).toEqual({ available: true, verified: true, message: "Event signature verified" });
    }
    await db.$executeRawUnsafe(`UPDATE audit_events SET details = ? WHERE id = ?`, "nothing to see here", a.id);
    await db.$executeRawUnsafe(`UPDATE audit_events SET "user" = ? WHERE id = ?`, "someone-else", b.id);
    for (const tampered of [a, b]) {
      const res = await (await call(`/api/audit/${tampered.id}/verify`)).json();
      expect(res).toEqual({ available: true, verified: false, message: "Event signature mismatch: the event was modified" });
    }
    expect((await (await call(`/api/audit/${c.id}/verify`)).json()).verified).toBe(true);
    expect((await call("/api/audit/00000000-0000-0000-0000-000000000000/verify")).status).toBe(404);
    expect((await call("/api/audit/not_a*valid*id/verify")).status).toBe(400);
  });

  it("audits node configuration changes", async () => {
    const added = await call("/api/config/nodes", json("POST", { type: "pbs", name: "audit-pbs", host: "https://127.0.0.1:1", tokenName: "audit@pbs!ci", tokenValue: "s3cret-value" }));
    expect(added.status).toBe(201);
    const node = await added.json();
    expect((await call(`/api/config/nodes/${node.id}`, json("PUT", { name: "audit-pbs-2" }))).status).toBe(200);
    expect((await call(`/api/config/nodes/${node.id}`, { method: "DELETE" })).status).toBe(200);

    const events = (await audit("?limit=3")).events;
    expect(events.map((e) => e.event)).toEqual(["node_removed", "node_updated", "node_added"]);
    expect(events[2]).toMatchObject({ user: "token:env-token-1", path: "/api/config/nodes", success: true });
    expect(events[2].details).toContain("audit-pbs");
    expect(events[0].details).toContain("audit-pbs-2");
    expect(JSON.stringify(events)).not.toContain("s3cret-value");
  });
});
