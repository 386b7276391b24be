import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TOKEN, DEFAULT_USER, type Simulator, startSimulator } from "../../sim";
import { startTestServer, type TestServer, waitFor } from "../helpers/server";

/** Node config CRUD against a simulated PVE cluster, through the real server and worker. */
describe("nodes config API", () => {
  let srv: TestServer;
  let sim: Simulator;
  let id: string;

  beforeAll(async () => {
    sim = await startSimulator({ host: "127.0.0.1", port: 0, nodes: 2, guests: 8, clusterName: "lab", unauthorizedDelayMs: 0, updateIntervalMs: 500 });
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.stop();
    await sim?.close();
  });

  const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  const nodeBody = (over: Record<string, unknown> = {}) => ({
    type: "pve",
    name: "lab",
    host: sim.url,
    tokenName: DEFAULT_TOKEN.tokenId,
    tokenValue: DEFAULT_TOKEN.secret,
    fingerprint: sim.fingerprint,
    ...over,
  });

  it("tests a connection before saving", async () => {
    const ok = await srv.fetch("/api/config/nodes/test-connection", json("POST", nodeBody()));
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ status: "success", isCluster: true, clusterName: "lab", nodeCount: 2 });

    // Password (ticket) authentication works as well as a token.
    const { tokenName: _t, tokenValue: _v, ...withoutToken } = nodeBody();
    const ticket = await srv.fetch("/api/config/nodes/test-connection", json("POST", { ...withoutToken, user: DEFAULT_USER.username, password: DEFAULT_USER.password }));
    expect(ticket.status).toBe(200);

    const badSecret = await srv.fetch("/api/config/nodes/test-connection", json("POST", nodeBody({ tokenValue: "wrong" })));
    expect(badSecret.status).toBe(400);
    expect((await badSecret.json()).code).toBe("connection_failed");

    const badPin = await srv.fetch("/api/config/nodes/test-config", json("POST", nodeBody({ fingerprint: "00".repeat(32) })));
    expect(badPin.status).toBe(200);
    const pinned = await badPin.json();
    expect(pinned.success).toBe(false);
    expect(pinned.message).toMatch(/fingerprint/i);
  });

  it("adds a node, never returns its secret and stores it encrypted", async () => {
    const res = await srv.fetch("/api/config/nodes", json("POST", nodeBody()));
    expect(res.status).toBe(201);
    const node = await res.json();
    id = node.id;
    expect(node).toMatchObject({ type: "pve", name: "lab", hasToken: true, hasPassword: false, isCluster: true, clusterName: "lab" });
    expect(node.clusterEndpoints).toHaveLength(2);
    expect(JSON.stringify(node)).not.toContain(DEFAULT_TOKEN.secret);

    const list = await (await srv.fetch("/api/config/nodes")).json();
    expect(list.map((n: { id: string }) => n.id)).toContain(id);
    expect(JSON.stringify(list)).not.toContain(DEFAULT_TOKEN.secret);

    // The raw database files never hold the secret in clear.
    const db = path.join(srv.dataDir, "pulse.db");
    const raw = [db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f).toString("latin1")).join("");
    expect(raw).toContain("lab");
    expect(raw).not.toContain(DEFAULT_TOKEN.secret);

    const dup = await srv.fetch("/api/config/nodes", json("POST", nodeBody()));
    expect(dup.status).toBe(409);
  });

  it("polls the added cluster instead of the demo", async () => {
    const state = await waitFor(async () => {
      const s = await (await srv.fetch("/api/state")).json();
      return s.connectionHealth.lab === true && !s.isDemo && s.nodes.length === 2 ? s : undefined;
    }, 30_000, "the lab cluster in state");
    expect(state.nodes.map((n: { id: string }) => n.id).sort()).toEqual(["lab-pve1", "lab-pve2"]);
    expect(state.vms.every((g: { id: string }) => g.id.startsWith("lab:"))).toBe(true);
    expect(JSON.stringify(state)).not.toContain(DEFAULT_TOKEN.secret);
    const listed = await (await srv.fetch("/api/config/nodes")).json();
    expect(listed.find((n: { id: string }) => n.id === id).status).toBe("connected");
  });

  it("tests, updates and re-discovers a saved node", async () => {
    const t = await srv.fetch(`/api/config/nodes/${id}/test`, { method: "POST" });
    expect(t.status).toBe(200);
    const put = await srv.fetch(`/api/config/nodes/${id}`, json("PUT", { monitorStorage: false, tokenValue: "" }));
    expect(put.status).toBe(200);
    const updated = await put.json();
    expect(updated.monitorStorage).toBe(false);
    expect(updated.hasToken).toBe(true); // an empty secret keeps the stored one
    const refreshed = await srv.fetch(`/api/config/nodes/${id}/refresh-cluster`, { method: "POST" });
    expect(refreshed.status).toBe(200);
    expect((await refreshed.json()).clusterEndpoints).toHaveLength(2);

    const missing = await srv.fetch("/api/config/nodes/nope", json("PUT", { name: "x" }));
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe("not_found");
  });

  it("deletes a node and falls back to the demo cluster", async () => {
    const del = await srv.fetch(`/api/config/nodes/${id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await srv.fetch(`/api/config/nodes/${id}`, { method: "DELETE" })).status).toBe(404);
    await waitFor(async () => (await (await srv.fetch("/api/state")).json()).isDemo === true, 30_000, "demo back");
  });
});
