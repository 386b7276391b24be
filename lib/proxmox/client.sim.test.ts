/** The client against the PVE simulator (real HTTPS on loopback). */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_TOKEN, DEFAULT_USER, startSimulator, type Simulator } from "../../sim";
import { PveClient } from "./client";
import { PveClusterClient } from "./cluster-client";
import type { PveInstanceConfig } from "./config";
import { discoverClusterEndpoints, testConnection } from "./discovery";

let sim: Simulator;
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    host: "127.0.0.1",
    port: 0,
    nodes: 3,
    guests: 12,
    clusterName: "lab-cluster",
    seed: 3,
    unauthorizedDelayMs: 0,
    tokens: [{ tokenId: "audit@pve!limited", secret: "limited-secret", privileges: ["VM.Audit"] }],
  });
});
afterAll(() => sim.close());
afterEach(async () => {
  sim.faults.clear();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const tokenConfig = (over: Partial<PveInstanceConfig> = {}): PveInstanceConfig => ({
  name: "lab",
  host: sim.url,
  tokenName: DEFAULT_TOKEN.tokenId,
  tokenValue: DEFAULT_TOKEN.secret,
  verifySsl: false,
  ...over,
});
const client = (over: Partial<PveInstanceConfig> = {}) => {
  const c = PveClient.fromConfig(tokenConfig(over));
  clients.push(c);
  return c;
};

describe("authentication against the simulator", () => {
  it("works with an API token", async () => {
    const v = await client().getVersion();
    expect(v.ok && v.data.version).toMatch(/^\d+\.\d+/);
    const nodes = await client().getNodes();
    expect(nodes.ok && nodes.data.map((n) => n.node).sort()).toEqual(sim.nodes);
  });

  it("works with a ticket, including the CSRF token on a write", async () => {
    const [user, realm] = DEFAULT_USER.username.split("@");
    const c = client({ tokenName: undefined, tokenValue: undefined, user: `${user}@${realm}`, password: DEFAULT_USER.password });
    const res = await c.getClusterResources("vm");
    expect(res.ok).toBe(true);
    const stopped = res.ok ? res.data.find((g) => g.type === "qemu" && g.status === "stopped" && !g.template) : undefined;
    expect(stopped).toBeDefined();
    const upid = await c.request("POST", `/nodes/${stopped!.node}/qemu/${stopped!.vmid}/status/start`, z.string());
    expect(upid.ok && upid.data).toMatch(/^UPID:/);
  });

  it("rejects a wrong token and a wrong password as auth_failed", async () => {
    const bad = await client({ tokenValue: "wrong" }).getNodes();
    expect(!bad.ok && bad.error).toMatchObject({ kind: "auth_failed", status: 401 });
    const pw = await client({ tokenName: undefined, tokenValue: undefined, user: "root", password: "wrong" }).getNodes();
    expect(!pw.ok && pw.error.kind).toBe("auth_failed");
  });

  it("reports the missing privilege of a restricted token", async () => {
    const r = await client({ tokenName: "audit@pve!limited", tokenValue: "limited-secret" }).getNodeStatus(sim.nodes[0]);
    expect(!r.ok && r.error).toMatchObject({ kind: "permission_denied", status: 403, privilege: "Sys.Audit" });
  });
});

describe("TLS against the simulator", () => {
  it("accepts the pinned fingerprint and rejects another", async () => {
    expect((await client({ fingerprint: sim.fingerprint.toLowerCase() }).getNodes()).ok).toBe(true);
    const wrong = await client({ fingerprint: "00".repeat(32) }).getNodes();
    expect(!wrong.ok && wrong.error.kind).toBe("fingerprint_mismatch");
  });
});

describe("simulated faults map to typed errors", () => {
  it.each([
    [401, "/nodes$", "auth_failed"],
    [403, "/nodes$", "permission_denied"],
    [500, "/nodes$", "api_error"],
    [595, "/nodes/pve2/status", "node_unreachable"],
  ] as const)("status %i → %s", async (status, path, kind) => {
    sim.faults.add({ kind: "status", status, path });
    const c = client();
    const r = path === "/nodes$" ? await c.getNodes() : await c.getNodeStatus("pve2");
    expect(!r.ok && r.error).toMatchObject({ kind, status });
  });

  it("a slow answer times out", async () => {
    sim.faults.add({ kind: "slow", delayMs: 1_000, path: "/version" });
    const r = await client().getVersion({ timeoutMs: 200 });
    expect(!r.ok && r.error.kind).toBe("timeout");
  });

  it("a down API is unreachable", async () => {
    sim.faults.add({ kind: "down" });
    const r = await client().getNodes();
    expect(!r.ok && r.error.kind).toBe("unreachable");
  });

  it("a node gone offline answers 595 on its own paths", async () => {
    sim.faults.add({ kind: "node-offline", node: "pve3" });
    const r = await client().getNodeStatus("pve3");
    expect(!r.ok && r.error.kind).toBe("node_unreachable");
  });
});

describe("discovery", () => {
  it("tests the connection and lists the cluster members", async () => {
    const r = await testConnection(tokenConfig());
    expect(r).toMatchObject({ ok: true, isCluster: true, clusterName: "lab-cluster" });
    expect(r.nodes.sort()).toEqual(sim.nodes);
    expect(r.version).toMatch(/^\d/);
    expect(r.endpoints.map((e) => e.nodeName).sort()).toEqual(sim.nodes);
    for (const ep of r.endpoints) expect(ep.host).toBe(`https://${ep.ip}:${sim.port}`);
  });

  it("fails with the typed error on bad credentials", async () => {
    const r = await testConnection(tokenConfig({ tokenValue: "nope" }));
    expect(r.ok).toBe(false);
    expect(r.error?.kind).toBe("auth_failed");
  });
});

describe("cluster with one address per node", () => {
  let multi: Simulator;
  beforeAll(async () => {
    multi = await startSimulator({ port: 0, nodes: 3, guests: 6, clusterName: "multi", seed: 5, unauthorizedDelayMs: 0, perNodeAddresses: true });
  });
  afterAll(() => multi.close());

  it("discovers each member with its own certificate and fails over when one is down", async () => {
    const base = { name: "multi", host: multi.url, tokenName: DEFAULT_TOKEN.tokenId, tokenValue: DEFAULT_TOKEN.secret, verifySsl: false };
    const d = await discoverClusterEndpoints(base);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.data.endpoints).toHaveLength(3);
    const fps = new Set(d.data.endpoints.map((e) => e.fingerprint));
    expect(fps.size).toBe(3);
    const first = d.data.endpoints.find((e) => e.host === multi.url);
    expect(first?.fingerprint).toBe(multi.fingerprint);

    const c = new PveClusterClient({ ...base, fingerprint: multi.fingerprint, isCluster: true, clusterName: "multi", clusterEndpoints: d.data.endpoints });
    clients.push(c);
    expect((await c.getNodes()).ok).toBe(true);
    multi.faults.add({ kind: "node-offline", node: first!.nodeName });
    const r = await c.getNodes();
    expect(r.ok).toBe(true);
    expect(c.activeOrigin).not.toBe(multi.url);
    expect(c.endpoints().find((e) => e.origin === multi.url)?.healthy).toBe(false);
    // a member with a different pinned certificate is never used
    const wrongPin = new PveClusterClient({
      ...base,
      clusterEndpoints: d.data.endpoints.map((e) => ({ ...e, fingerprint: "11".repeat(32) })),
    });
    clients.push(wrongPin);
    const denied = await wrongPin.getNodes();
    expect(!denied.ok && denied.error.kind).toBe("fingerprint_mismatch");
  });
});
