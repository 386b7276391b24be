import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, waitFor } from "../helpers/server";

const ENVELOPE_KEYS = ["error", "code", "status_code", "timestamp"];

describe("core API (demo cluster, token auth)", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv?.stop());

  it("answers health and version publicly", async () => {
    const health = await srv.fetch("/api/health", { auth: false });
    expect(health.status).toBe(200);
    const h = await health.json();
    expect(h).toMatchObject({ status: "healthy", devModeSSH: false });
    expect(typeof h.timestamp).toBe("number");
    expect(typeof h.uptime).toBe("number");

    const v = await (await srv.fetch("/api/version", { auth: false })).json();
    expect(v.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(v).toHaveProperty("buildTime");
    expect(v).toHaveProperty("deploymentType");
    expect(typeof v.updateAvailable).toBe("boolean");
  });

  it("refuses protected routes without credentials, with Pulse's envelope", async () => {
    for (const path of ["/api/state", "/api/resources", "/api/resources/stats", "/api/config", "/api/config/nodes", "/api/system/mock-mode"]) {
      const res = await srv.fetch(path, { auth: false });
      expect(res.status, path).toBe(401);
      const body = await res.json();
      expect(Object.keys(body)).toEqual(expect.arrayContaining(ENVELOPE_KEYS));
      expect(body).toMatchObject({ code: "unauthorized", status_code: 401 });
    }
    const wrong = await srv.fetch("/api/state", { headers: { "X-API-Token": "not-the-token" } });
    expect(wrong.status).toBe(401);
    const bearer = await srv.fetch("/api/state", { auth: false, headers: { Authorization: `Bearer ${srv.token}` } });
    expect(bearer.status).toBe(200);
    const kiosk = await srv.fetch(`/api/state?token=${srv.token}`, { auth: false });
    expect(kiosk.status).toBe(200);
    // A query-string token never authorizes a write.
    const write = await srv.fetch(`/api/system/mock-mode?token=${srv.token}`, { auth: false, method: "PUT", body: '{"enabled":true}' });
    expect(write.status).toBe(401);
  });

  it("serves the demo cluster in Pulse's state shape", async () => {
    const state = await waitFor(async () => {
      const s = await (await srv.fetch("/api/state")).json();
      return s.nodes.length > 0 && s.vms.length > 0 ? s : undefined;
    }, 30_000, "first poll");
    for (const key of ["nodes", "vms", "containers", "dockerHosts", "removedDockerHosts", "kubernetesClusters", "removedKubernetesClusters", "hosts", "storage", "cephClusters", "physicalDisks", "pbs", "pmg", "pbsBackups", "pmgBackups", "backups", "replicationJobs", "activeAlerts", "metrics", "pveBackups", "performance", "connectionHealth", "stats", "lastUpdate", "temperatureMonitoringEnabled"]) {
      expect(state, key).toHaveProperty(key);
    }
    expect(state.isDemo).toBe(true);
    expect(state.connectionHealth.demo).toBe(true);
    const node = state.nodes[0];
    expect(node.id).toMatch(/-pve\d+$/);
    expect(node.type).toBe("node");
    expect(node.cpu).toBeGreaterThanOrEqual(0);
    expect(node.cpu).toBeLessThanOrEqual(1);
    expect(node.memory.total).toBeGreaterThan(1e9);
    const vm = state.vms.find((g: { status: string }) => g.status === "running");
    expect(vm.id).toBe(`demo:${vm.node}:${vm.vmid}`);
    expect(vm.cpu).toBeLessThanOrEqual(1.5);
    expect(typeof vm.networkIn).toBe("number");
    expect(state.vms.every((g: { template: boolean }) => g.template === false)).toBe(true);
  });

  it("lists unified resources, their stats and one resource", async () => {
    const list = await (await srv.fetch("/api/resources?type=vm")).json();
    expect(list.count).toBeGreaterThan(0);
    expect(list.resources.every((r: { type: string }) => r.type === "vm")).toBe(true);
    const one = list.resources[0];
    const got = await srv.fetch(`/api/resources/${encodeURIComponent(one.id)}`);
    expect(got.status).toBe(200);
    expect((await got.json()).id).toBe(one.id);

    const stats = await (await srv.fetch("/api/resources/stats")).json();
    expect(stats.total).toBeGreaterThan(list.count);
    expect(stats.byType.node).toBeGreaterThanOrEqual(3);

    const missing = await srv.fetch("/api/resources/does-not-exist");
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe("not_found");
  });

  it("answers unknown API paths with route_not_found", async () => {
    for (const [method, path] of [["GET", "/api/no-such-thing"], ["POST", "/api/config/nodes/x/y/z"], ["DELETE", "/api/nope"]]) {
      const res = await srv.fetch(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      const body = await res.json();
      expect(body).toMatchObject({ code: "route_not_found", status_code: 404 });
      expect(Object.keys(body)).toEqual(expect.arrayContaining(ENVELOPE_KEYS));
    }
  });

  it("rejects malformed, mistyped and oversized bodies with 4xx and a message", async () => {
    const post = (body: string) => srv.fetch("/api/config/nodes", { method: "POST", body, headers: { "content-type": "application/json" } });
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe("invalid_json");

    const typed = await post(JSON.stringify({ type: "pve", name: 42, host: ["x"] }));
    expect(typed.status).toBe(400);
    const t = await typed.json();
    expect(t.code).toBe("validation_failed");
    expect(t.error).toMatch(/name/);

    const noCreds = await post(JSON.stringify({ type: "pve", name: "a", host: "https://127.0.0.1:8006" }));
    expect(noCreds.status).toBe(400);
    expect((await noCreds.json()).error).toMatch(/tokenName|password/);

    const huge = await post(JSON.stringify({ type: "pve", name: "x".repeat(400_000) }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).code).toBe("payload_too_large");

    const deep = await post("[".repeat(100_000) + "]".repeat(100_000));
    expect(deep.status).toBeGreaterThanOrEqual(400);
    expect(deep.status).toBeLessThan(500);

    // The server is still fine afterwards.
    expect((await srv.fetch("/api/health")).status).toBe(200);
  });

  it("switches demo mode through /api/system/mock-mode", async () => {
    const before = await (await srv.fetch("/api/system/mock-mode")).json();
    expect(before).toMatchObject({ enabled: true, automatic: true });
    const off = await srv.fetch("/api/system/mock-mode", { method: "PUT", body: JSON.stringify({ enabled: false }) });
    expect((await off.json()).enabled).toBe(false);
    await waitFor(async () => (await (await srv.fetch("/api/state")).json()).nodes.length === 0, 20_000, "demo data gone");
    const on = await srv.fetch("/api/system/mock-mode", { method: "POST", body: JSON.stringify({ enabled: true }) });
    expect((await on.json()).enabled).toBe(true);
    await waitFor(async () => (await (await srv.fetch("/api/state")).json()).nodes.length > 0, 30_000, "demo data back");
    const invalid = await srv.fetch("/api/system/mock-mode", { method: "PUT", body: JSON.stringify({ enabled: "yes" }) });
    expect(invalid.status).toBe(400);
  });
});
