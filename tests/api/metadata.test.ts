import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, waitFor } from "../helpers/server";

/**
 * Notes, tags and custom URLs for guests, host agents, Docker containers and Docker
 * hosts, through the real server: CRUD, ids with colons (encoded or not), validation,
 * scopes, the audit trail, and persistence across a restart.
 */

const KINDS = [
  { kind: "guest", base: "/api/guests/metadata", id: "" /* a demo guest, found at startup */ },
  { kind: "host", base: "/api/hosts/metadata", id: "host-agent:nas-01" },
  { kind: "docker", base: "/api/docker/metadata", id: "dockerhost1:container:3f2a9c" },
  { kind: "dockerHost", base: "/api/docker/hosts/metadata", id: "agent:builder ü" },
] as const;

describe("resource metadata API", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "pulse-metadata-"));
  let srv: TestServer;
  let readerToken: string;
  let guest: { id: string; name: string; type: string };
  const ids: Record<string, string> = {};

  const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
    method,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  const at = (base: string, id: string) => `${base}/${encodeURIComponent(id)}`;

  beforeAll(async () => {
    srv = await startTestServer({ PULSE_DATA_DIR: dataDir });
    const res = await srv.fetch("/api/security/tokens", json("POST", { name: "kiosk", scopes: ["monitoring:read"] }));
    expect(res.status).toBe(200);
    readerToken = (await res.json()).token;
    guest = await waitFor(async () => {
      const state = await (await srv.fetch("/api/state")).json();
      return state.vms?.[0] as { id: string; name: string; type: string } | undefined;
    }, 30_000, "the demo guests");
    for (const k of KINDS) ids[k.kind] = k.id || guest.id;
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts empty: the list is an object, a single id answers an empty record", async () => {
    for (const k of KINDS) {
      const list = await srv.fetch(k.base);
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({});
      const one = await srv.fetch(at(k.base, ids[k.kind]));
      expect(one.status).toBe(200);
      expect(await one.json()).toEqual({ id: ids[k.kind], customUrl: "", description: "", tags: [], notes: [] });
    }
  });

  it("creates, reads, merges and deletes metadata for every kind", async () => {
    for (const k of KINDS) {
      const id = ids[k.kind];
      const body = { customUrl: "https://grafana.lan/d/abc?orgId=1", description: "Wall display ✓", tags: ["prod", "prod", "web"], notes: ["Backups at 02:00\nrestore tested", "日本語のメモ"] };
      const put = await srv.fetch(at(k.base, id), json("PUT", { ...body, id: "ignored", lastKnownName: "ignored" }));
      expect(put.status, k.kind).toBe(200);
      const stored = await put.json();
      expect(stored).toMatchObject({ id, ...body, tags: ["prod", "web"] });
      if (k.kind === "guest") expect(stored).toMatchObject({ lastKnownName: guest.name, lastKnownType: guest.type });
      else expect(stored.lastKnownName).toBeUndefined();

      expect(await (await srv.fetch(at(k.base, id))).json()).toEqual(stored);
      expect(await (await srv.fetch(k.base)).json()).toEqual({ [id]: stored });

      // A PUT changes the fields it names; null clears one.
      const merged = await (await srv.fetch(at(k.base, id), json("PUT", { notes: ["only notes changed"], description: null }))).json();
      expect(merged).toEqual({ ...stored, notes: ["only notes changed"], description: "" });

      const del = await srv.fetch(at(k.base, id), { method: "DELETE" });
      expect(del.status).toBe(204);
      expect(await (await srv.fetch(k.base)).json()).toEqual({});
      const again = await srv.fetch(at(k.base, id), { method: "DELETE" });
      expect(again.status).toBe(404);
      expect((await again.json()).code).toBe("not_found");
    }
  });

  it("keeps kind-specific fields: commandsEnabled on hosts, customDisplayName on Docker hosts", async () => {
    const host = await (await srv.fetch(at("/api/hosts/metadata", "h1"), json("PUT", { commandsEnabled: true, customDisplayName: "no" }))).json();
    expect(host).toMatchObject({ id: "h1", commandsEnabled: true });
    expect(host.customDisplayName).toBeUndefined();
    const dockerHost = await (await srv.fetch(at("/api/docker/hosts/metadata", "dh1"), json("PUT", { customDisplayName: "Build box", commandsEnabled: true }))).json();
    expect(dockerHost).toMatchObject({ id: "dh1", customDisplayName: "Build box" });
    expect(dockerHost.commandsEnabled).toBeUndefined();
    // Kinds are separate namespaces.
    expect(await (await srv.fetch("/api/guests/metadata/h1")).json()).toMatchObject({ notes: [] });
  });

  it("takes guest ids with colons encoded or not", async () => {
    const id = "demo:pve1:100";
    const encoded = "/api/guests/metadata/demo%3Apve1%3A100";
    const raw = "/api/guests/metadata/demo:pve1:100";
    expect((await srv.fetch(encoded, json("PUT", { tags: ["encoded"] }))).status).toBe(200);
    expect(await (await srv.fetch(raw)).json()).toMatchObject({ id, tags: ["encoded"] });
    expect((await srv.fetch(raw, json("PUT", { notes: ["raw"] }))).status).toBe(200);
    expect(await (await srv.fetch(encoded)).json()).toMatchObject({ id, tags: ["encoded"], notes: ["raw"] });
    expect(Object.keys(await (await srv.fetch("/api/guests/metadata")).json())).toContain(id);
    expect((await srv.fetch(encoded, { method: "DELETE" })).status).toBe(204);
    expect((await srv.fetch(raw, { method: "DELETE" })).status).toBe(404);

    // Broken percent-encoding is the client's mistake, not a server error.
    const broken = await srv.fetch("/api/guests/metadata/demo%3Apve1%3", { method: "GET" });
    expect(broken.status).toBe(400);
  });

  it("refuses invalid input with 400 and keeps what was stored", async () => {
    const url = at("/api/guests/metadata", "demo:pve1:101");
    const good = { customUrl: "https://ok.example/", tags: ["keep"], notes: ["keep"] };
    expect((await srv.fetch(url, json("PUT", good))).status).toBe(200);

    const bad: [unknown, RegExp][] = [
      [{ customUrl: "javascript:alert(document.cookie)" }, /customUrl/],
      [{ customUrl: "JaVaScRiPt:alert(1)" }, /customUrl/],
      [{ customUrl: "data:text/html,<script>alert(1)</script>" }, /customUrl/],
      [{ customUrl: "java\tscript:alert(1)" }, /customUrl/],
      [{ customUrl: "//evil.example/" }, /customUrl/],
      [{ customUrl: "https://user:secret@grafana.lan/" }, /credentials/],
      [{ customUrl: 42 }, /customUrl/],
      [{ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, /50 tags/],
      [{ tags: ["x".repeat(101)] }, /tag/],
      [{ notes: Array.from({ length: 101 }, (_, i) => `n${i}`) }, /100 notes/],
      [{ notes: ["é".repeat(2049)] }, /4096 bytes/],
      [{ notes: "not a list" }, /notes/],
      [{ description: "x".repeat(2001) }, /description/],
      [[1, 2], /Invalid request/],
      [null, /Invalid request/],
    ];
    for (const [body, message] of bad) {
      const res = await srv.fetch(url, json("PUT", body));
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const err = await res.json();
      expect(err.code).toBe("validation_failed");
      expect(err.error).toMatch(message);
    }
    const notJson = await srv.fetch(url, json("PUT", "{nope"));
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).code).toBe("invalid_json");
    const tooBig = await srv.fetch(url, json("PUT", { notes: ["x".repeat(2 * 1024 * 1024)] }));
    expect(tooBig.status).toBe(413);
    const longId = await srv.fetch(at("/api/guests/metadata", "x".repeat(600)), json("PUT", good));
    expect(longId.status).toBe(400);

    // The limits themselves are fine.
    const atLimit = { tags: Array.from({ length: 50 }, (_, i) => `t${i}`), notes: Array.from({ length: 100 }, () => "é".repeat(2048)) };
    const ok = await srv.fetch(url, json("PUT", atLimit));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ customUrl: "https://ok.example/", tags: atLimit.tags, notes: atLimit.notes });
  });

  it("lets a read-only token read but not write", async () => {
    const url = at("/api/guests/metadata", "demo:pve1:101");
    const asReader = { "X-API-Token": readerToken };
    expect((await srv.fetch("/api/guests/metadata", { headers: asReader })).status).toBe(200);
    expect((await srv.fetch(url, { headers: asReader })).status).toBe(200);
    expect((await srv.fetch(`/api/docker/hosts/metadata?token=${readerToken}`, { auth: false })).status).toBe(200);
    for (const init of [json("PUT", { notes: ["x"] }, asReader), { method: "DELETE", headers: asReader }]) {
      const res = await srv.fetch(url, init);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: "missing_scope", requiredScope: "monitoring:write" });
    }
    // A query-string token never authorizes a write.
    expect((await srv.fetch(`${url}?token=${srv.token}`, { ...json("PUT", { notes: ["x"] }), auth: false })).status).toBe(401);
    expect((await srv.fetch("/api/hosts/metadata", { auth: false })).status).toBe(401);
    expect((await (await srv.fetch(url)).json()).notes).toHaveLength(100);
  });

  it("records every change in the audit log", async () => {
    const { events } = await (await srv.fetch("/api/audit?event=metadata_changed&limit=100")).json();
    const details = events.map((e: { details: string }) => e.details);
    expect(details).toContain(`Created guest metadata for ${guest.id} (customUrl, description, tags, notes)`);
    expect(details).toContain("Deleted Docker host metadata for agent:builder ü");
    expect(events.every((e: { user: string; success: boolean }) => e.success && e.user.startsWith("token:"))).toBe(true);
  });

  it("survives a restart with the same data directory", async () => {
    const before = await (await srv.fetch("/api/guests/metadata")).json();
    expect(Object.keys(before)).toContain("demo:pve1:101");
    await srv.stop();
    srv = await startTestServer({ PULSE_DATA_DIR: dataDir });
    expect(await (await srv.fetch("/api/guests/metadata")).json()).toEqual(before);
    expect(await (await srv.fetch("/api/hosts/metadata/h1")).json()).toMatchObject({ commandsEnabled: true });
    expect(await (await srv.fetch("/api/docker/hosts/metadata")).json()).toMatchObject({ dh1: { customDisplayName: "Build box" } });
  });
});
