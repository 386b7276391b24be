import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db/client";
import { openServerDb } from "../helpers/db";
import { startTestServer, type TestServer } from "../helpers/server";

const PROXY_SECRET = "proxy-secret-for-rbac-tests";
const ADMIN_PASS = "admin-password-1234";
const ALICE_PASS = "alice-password-1234";

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers },
});
const basic = (user: string, pass: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` });
const proxied = (user: string, roles: string) => ({ "X-Proxy-Secret": PROXY_SECRET, "X-Remote-User": user, "X-Remote-Roles": roles });

/**
 * Role-based access through the real server: the built-in roles as a proxy hands them
 * over, and roles managed through /api/admin/* for a password user (HTTP Basic).
 */
describe("RBAC", () => {
  let srv: TestServer;
  let db: Db;

  beforeAll(async () => {
    srv = await startTestServer({
      PULSE_AUTH_USER: "admin",
      PULSE_AUTH_PASS: ADMIN_PASS,
      PROXY_AUTH_SECRET: PROXY_SECRET,
      PROXY_AUTH_ROLE_HEADER: "X-Remote-Roles",
    });
    db = openServerDb(srv.dataDir);
    await upsertUser(db, { username: "alice", source: "local", password: ALICE_PASS });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await srv?.stop();
  });

  // Every request comes from its own (forwarded) address, so the per-IP rate limits, which
  // tests/api/security-headers.test.ts covers, stay out of the way of this many writes.
  let client = 0;
  const from = () => ({ "X-Forwarded-For": `10.20.${Math.floor(++client / 250)}.${client % 250}` });
  const as = (headers: Record<string, string>) => ({
    get: (path: string) => srv.fetch(path, { auth: false, headers: { ...headers, ...from() } }),
    send: (method: string, path: string, body: unknown = {}) => srv.fetch(path, { ...json(method, body, { ...headers, ...from() }), auth: false }),
  });
  const code = async (res: Response) => ((await res.json()) as { code?: string }).code;

  it("a viewer reads monitoring data but cannot change or administer anything", async () => {
    const viewer = as(proxied("vera", "viewer"));
    expect((await viewer.get("/api/state")).status).toBe(200);
    expect((await viewer.get("/api/resources")).status).toBe(200);
    const write = await viewer.send("POST", "/api/config/nodes");
    expect(write.status).toBe(403);
    expect(await code(write)).toBe("forbidden");
    for (const path of ["/api/security/tokens", "/api/config/nodes", "/api/audit", "/api/admin/roles", "/api/admin/users"]) {
      const res = await viewer.get(path);
      expect(res.status, path).toBe(403);
      expect(await code(res)).toBe("forbidden");
    }
  });

  it("an operator writes monitoring data and reads settings, but cannot change settings", async () => {
    const operator = as(proxied("otto", "operator"));
    // Not built yet: the guard lets the operator through to the "no such route" answer.
    const ack = await operator.send("POST", "/api/alerts/acknowledge", { alertId: "x" });
    expect(ack.status).not.toBe(401);
    expect(ack.status).not.toBe(403);
    expect((await operator.get("/api/config/nodes")).status).toBe(200);
    for (const [method, path] of [["POST", "/api/config/nodes"], ["PUT", "/api/system/mock-mode"], ["POST", "/api/security/tokens"], ["POST", "/api/admin/roles"]]) {
      const res = await operator.send(method, path);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await code(res)).toBe("forbidden");
    }
    expect((await operator.get("/api/security/tokens")).status).toBe(403);
  });

  it("an auditor reads the audit log and verifies events, and nothing more", async () => {
    const auditor = as(proxied("audrey", "auditor"));
    const log = await auditor.get("/api/audit");
    expect(log.status).toBe(200);
    const body = await log.json();
    expect(body.persistentLogging).toBe(true);
    expect(Array.isArray(body.events)).toBe(true);
    if (body.events.length) expect((await auditor.get(`/api/audit/${body.events[0].id}/verify`)).status).toBe(200);
    expect((await auditor.get("/api/config/nodes")).status).toBe(200);
    expect((await auditor.send("POST", "/api/config/nodes")).status).toBe(403);
    expect((await auditor.get("/api/security/tokens")).status).toBe(403);
    expect((await auditor.get("/api/admin/roles")).status).toBe(403);
  });

  it("lists roles and keeps the built-in ones fixed", async () => {
    const admin = as(basic("admin", ADMIN_PASS));
    const roles = await (await admin.get("/api/admin/roles")).json();
    expect(roles.filter((r: { isBuiltIn: boolean }) => r.isBuiltIn).map((r: { id: string }) => r.id).sort()).toEqual(["admin", "auditor", "operator", "viewer"]);
    expect(roles.find((r: { id: string }) => r.id === "auditor")).toMatchObject({ builtIn: true, permissions: expect.arrayContaining([{ action: "read", resource: "audit_logs" }]) });

    const put = await admin.send("PUT", "/api/admin/roles/viewer", { name: "Everything" });
    expect(put.status).toBe(403);
    expect((await put.json()).error).toMatch(/Built-in role/);
    expect((await admin.send("DELETE", "/api/admin/roles/admin")).status).toBe(403);
    expect((await admin.send("PUT", "/api/admin/roles/nope", { name: "x" })).status).toBe(404);
    expect((await admin.send("DELETE", "/api/admin/roles/nope")).status).toBe(404);
    expect((await admin.send("PUT", "/api/admin/roles/bad%20id", { name: "x" })).status).toBe(400);
    for (const body of [
      { id: "x", name: "X", permissions: [{ action: "own", resource: "settings" }] },
      { id: "x", name: "X", permissions: [{ action: "read", resource: "galaxy" }] },
      { id: "has space", name: "X", permissions: [] },
      { id: "x", permissions: [] },
    ]) {
      const res = await admin.send("POST", "/api/admin/roles", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin.send("POST", "/api/admin/roles", { id: "operator", name: "Mine", permissions: [] })).status).toBe(409);
  });

  it("applies roles assigned through the API to a password user at once", async () => {
    const admin = as(basic("admin", ADMIN_PASS));
    const alice = as(basic("alice", ALICE_PASS));
    expect((await alice.get("/api/state")).status).toBe(403);

    expect((await admin.send("POST", "/api/admin/users/alice/roles", { role_id: "viewer" })).status).toBe(200);
    expect((await alice.get("/api/state")).status).toBe(200);
    expect((await alice.send("POST", "/api/config/nodes")).status).toBe(403);

    const created = await admin.send("POST", "/api/admin/roles", {
      id: "node-admin",
      name: "Node administrator",
      description: "Manages Proxmox connections",
      permissions: [{ action: "write", resource: "settings" }, { action: "admin", resource: "users" }],
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: "node-admin", isBuiltIn: false });
    expect((await admin.send("POST", "/api/admin/users/alice/roles", { role_id: "node-admin" })).status).toBe(200);
    // The guard now lets alice through to the handler, which validates the body.
    const write = await alice.send("POST", "/api/config/nodes");
    expect(write.status).toBe(400);
    expect(await code(write)).toBe("validation_failed");

    // She can mint tokens only within her own scopes.
    expect((await alice.send("POST", "/api/security/tokens", { name: "mine", scopes: ["settings:write", "monitoring:read"] })).status).toBe(200);
    expect((await alice.send("POST", "/api/security/tokens", { name: "more", scopes: ["monitoring:write"] })).status).toBe(403);
    expect((await alice.send("POST", "/api/security/tokens", { name: "all" })).status).toBe(403);

    const users = await (await admin.get("/api/admin/users")).json();
    const entry = users.find((u: { username: string }) => u.username === "alice");
    expect(entry).toMatchObject({ roleIds: ["node-admin", "viewer"], hasAccount: true, hasPassword: true });
    expect(entry.scopes).toEqual(expect.arrayContaining(["monitoring:read", "settings:read", "settings:write"]));
    expect(JSON.stringify(users)).not.toMatch(/\$2[aby]\$/);

    // Narrowing the role narrows her access; deleting it removes the assignment.
    const narrowed = await admin.send("PUT", "/api/admin/roles/node-admin", { permissions: [{ action: "read", resource: "settings" }] });
    expect(narrowed.status).toBe(200);
    expect((await alice.send("POST", "/api/config/nodes")).status).toBe(403);
    expect((await alice.get("/api/config/nodes")).status).toBe(200);
    expect((await admin.send("DELETE", "/api/admin/roles/node-admin")).status).toBe(204);
    expect((await alice.get("/api/config/nodes")).status).toBe(403);
    const after = (await (await admin.get("/api/admin/users")).json()).find((u: { username: string }) => u.username === "alice");
    expect(after.roleIds).toEqual(["viewer"]);

    // Removing a role; unknown roles and assignments are 404s.
    expect((await admin.send("DELETE", "/api/admin/users/alice/roles/viewer")).status).toBe(204);
    expect((await alice.get("/api/state")).status).toBe(403);
    expect((await admin.send("DELETE", "/api/admin/users/alice/roles/viewer")).status).toBe(404);
    expect((await admin.send("POST", "/api/admin/users/alice/roles", { role_id: "ghost-role" })).status).toBe(404);
    expect((await admin.send("POST", "/api/admin/users/bad%20name/roles", { role_id: "viewer" })).status).toBe(400);
    expect((await admin.send("POST", "/api/admin/users/alice/roles", {})).status).toBe(400);
  });

  it("lists usernames that only have role assignments (SSO users before their first login)", async () => {
    const admin = as(basic("admin", ADMIN_PASS));
    expect((await admin.send("POST", "/api/admin/users/sso-sam@example.com/roles", { roleIds: ["operator", "auditor"] })).status).toBe(200);
    const users = await (await admin.get("/api/admin/users")).json();
    const sam = users.find((u: { username: string }) => u.username === "sso-sam@example.com");
    expect(sam).toMatchObject({ roleIds: ["auditor", "operator"], hasAccount: false });
    expect(users.find((u: { username: string }) => u.username === "admin")).toMatchObject({ roleIds: ["admin"], scopes: ["*"], hasAccount: true });
  });

  it("never lets the last administrator lose the admin role", async () => {
    const admin = as(basic("admin", ADMIN_PASS));
    const refused = await admin.send("DELETE", "/api/admin/users/admin/roles/admin");
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toMatch(/administrator/);
    expect((await admin.send("POST", "/api/admin/users/admin/roles", { roleIds: ["viewer"] })).status).toBe(400);

    // With a second administrator the first may step down.
    expect((await admin.send("POST", "/api/admin/users/alice/roles", { role_id: "admin" })).status).toBe(200);
    expect((await admin.send("DELETE", "/api/admin/users/admin/roles/admin")).status).toBe(204);
    const alice = as(basic("alice", ALICE_PASS));
    expect((await alice.send("DELETE", "/api/admin/users/alice/roles/admin")).status).toBe(400);
    expect((await alice.send("POST", "/api/admin/users/admin/roles", { role_id: "admin" })).status).toBe(200);
  });

  it("records role changes in the audit log under the acting user", async () => {
    const log = await (await srv.fetch("/api/audit?limit=1000")).json();
    const events = log.events as { event: string; user: string; details: string }[];
    expect(events.find((e) => e.event === "role_created")).toMatchObject({ user: "admin", details: "Created role node-admin" });
    expect(events.some((e) => e.event === "role_updated" && e.user === "admin")).toBe(true);
    expect(events.find((e) => e.event === "role_deleted")?.details).toMatch(/node-admin.*1 user/);
    expect(events.some((e) => e.event === "role_assigned" && e.details === "Assigned role admin to alice")).toBe(true);
    expect(events.some((e) => e.event === "role_removed" && e.user === "admin" && e.details === "Removed role admin from admin")).toBe(true);
    expect(events.some((e) => e.event === "role_assigned" && e.user === "alice")).toBe(true);
  });
});
