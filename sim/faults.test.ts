import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import { call, get } from "./test-helpers";

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ unauthorizedDelayMs: 0, updateIntervalMs: 3_600_000 });
});
afterEach(() => sim.close());

type Entry = Record<string, unknown>;
const vmsOn = async (node: string) =>
  (await get(sim, "/cluster/resources?type=vm")).json.data.filter((g: Entry) => g.node === node) as Entry[];

describe("node offline", () => {
  it("shows the node offline, freezes then forgets its guests, and 595s proxied calls", async () => {
    const before = await vmsOn("pve3");
    const id = sim.faults.add({ kind: "node-offline", node: "pve3" });

    const nodes = (await get(sim, "/nodes")).json.data;
    const dead = nodes.find((n: Entry) => n.node === "pve3");
    expect(dead.status).toBe("offline");
    expect(dead.cpu).toBeUndefined();
    expect(dead.mem).toBeUndefined();
    expect(dead.uptime).toBeUndefined();
    expect(dead.maxmem).toBeGreaterThan(0);
    const status = (await get(sim, "/cluster/status")).json.data;
    expect(status.find((e: Entry) => e.name === "pve3").online).toBe(0);
    expect(status[0].quorate).toBe(1);

    const r = await get(sim, "/nodes/pve3/status");
    expect(r.status).toBe(595);
    expect(r.text).toBe("");
    expect(r.headers.connection).toBe("close");
    expect((await get(sim, "/nodes/pve1/status")).status).toBe(200);

    // Last values stay for up to five minutes…
    sim.advance(120);
    const frozen = await vmsOn("pve3");
    expect(frozen).toEqual(before);

    // …then the guests are unknown and nameless.
    sim.advance(181);
    const gone = await vmsOn("pve3");
    expect(gone.length).toBe(before.length);
    for (const g of gone) {
      expect(g.status).toBe("unknown");
      expect(g.name).toBeUndefined();
      expect(g.cpu).toBeUndefined();
    }
    const node = (await get(sim, "/nodes")).json.data.find((n: Entry) => n.node === "pve3");
    expect(node.maxmem).toBeUndefined();
    const storages = (await get(sim, "/cluster/resources?type=storage")).json.data.filter((s: Entry) => s.node === "pve3");
    expect(storages.every((s: Entry) => s.status === "unknown")).toBe(true);

    sim.faults.remove(id);
    expect((await get(sim, "/nodes/pve3/status")).status).toBe(200);
    expect((await vmsOn("pve3")).some((g: Entry) => g.status === "running")).toBe(true);
  });

  it("can hang before the 595 and loses quorum with a majority down", async () => {
    sim.faults.add({ kind: "node-offline", node: "pve2", hangMs: 150 });
    sim.faults.add({ kind: "node-offline", node: "pve3" });
    const t = Date.now();
    const r = await get(sim, "/nodes/pve2/qemu");
    expect(r.status).toBe(595);
    expect(r.reason).toBe("Connection timed out");
    expect(Date.now() - t).toBeGreaterThanOrEqual(120);
    expect((await get(sim, "/cluster/status")).json.data[0].quorate).toBe(0);
  });
});

describe("server down", () => {
  it("refuses connections and comes back", async () => {
    const id = sim.faults.add({ kind: "down" });
    await expect(get(sim, "/version")).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|ECONNRESET/) });
    sim.faults.remove(id);
    expect((await get(sim, "/version")).status).toBe(200);
  });

  it("clears itself after durationMs", async () => {
    sim.faults.add({ kind: "down", durationMs: 100 });
    await expect(get(sim, "/version")).rejects.toBeTruthy();
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.faults.list()).toEqual([]);
    expect((await get(sim, "/version")).status).toBe(200);
  });
});

describe("status and slow faults", () => {
  it("answers a status on matching paths only", async () => {
    const id = sim.faults.add({ kind: "status", status: 500, message: "got timeout", path: "^/nodes/[^/]+/status$" });
    const r = await get(sim, "/nodes/pve1/status");
    expect(r.status).toBe(500);
    expect(r.reason).toBe("got timeout");
    expect(r.json).toEqual({ data: null, message: "got timeout\n" });
    expect((await get(sim, "/nodes")).status).toBe(200);
    sim.faults.remove(id);
    expect((await get(sim, "/nodes/pve1/status")).status).toBe(200);
  });

  it("imitates 401 and 595 with empty bodies", async () => {
    sim.faults.add({ kind: "status", status: 401 });
    const r = await get(sim, "/version");
    expect(r.status).toBe(401);
    expect(r.text).toBe("");
    sim.faults.clear();
    sim.faults.add({ kind: "status", status: 595, path: "qemu" });
    const q = await get(sim, "/nodes/pve1/qemu");
    expect([q.status, q.text]).toEqual([595, ""]);
    sim.faults.clear();
    sim.faults.add({ kind: "status", status: 403, message: "Permission check failed (/, Sys.Audit)" });
    expect((await get(sim, "/cluster/status")).json.message).toBe("Permission check failed (/, Sys.Audit)\n");
  });

  it("delays answers", async () => {
    sim.faults.add({ kind: "slow", delayMs: 150, path: "/status$" });
    let t = Date.now();
    expect((await get(sim, "/nodes/pve1/status")).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(120);
    expect((await get(sim, "/version")).status).toBe(200);
    expect(sim.faults.list()).toHaveLength(1);
  });

  it("rejects invalid faults", () => {
    expect(() => sim.faults.add({ kind: "node-offline", node: "pve9" })).toThrow(/no such node/);
    expect(() => sim.faults.add({ kind: "status", status: 42 })).toThrow(/invalid fault/);
    expect(() => sim.faults.add({ kind: "slow", delayMs: 1, path: "(" })).toThrow(/regex/);
  });
});

describe("guest agent faults", () => {
  it("switches the agent to not running, timeout and disabled", async () => {
    const path = "/nodes/pve1/qemu/100/agent/get-fsinfo";
    expect((await get(sim, path)).status).toBe(200);

    const a = sim.faults.add({ kind: "agent", vmid: 100, mode: "not-running" });
    expect((await get(sim, path)).reason).toBe("QEMU guest agent is not running");
    sim.faults.remove(a);

    sim.faults.add({ kind: "agent", vmid: 100, mode: "timeout", delayMs: 100 });
    const t = Date.now();
    const r = await get(sim, path);
    expect(r.status).toBe(500);
    expect(r.reason).toBe("VM 100 qga command 'guest-get-fsinfo' failed - got timeout");
    expect(Date.now() - t).toBeGreaterThanOrEqual(80);
    sim.faults.clear();

    sim.faults.add({ kind: "agent", vmid: 100, mode: "disabled" });
    expect((await get(sim, path)).reason).toBe("No QEMU guest agent configured");
    const cur = (await get(sim, "/nodes/pve1/qemu/100/status/current")).json.data;
    expect(cur.agent).toBeUndefined();
    expect((await get(sim, "/nodes/pve1/qemu/100/config")).json.data.agent).toBeUndefined();
  });
});

describe("control API", () => {
  const ctl = (method: string, path: string, body?: unknown) =>
    call(sim, method, `/_sim${path}`, { raw: true, body: body === undefined ? undefined : JSON.stringify(body), headers: { "Content-Type": "application/json" } });

  it("manages faults and drives the cluster over HTTP", async () => {
    const state = (await ctl("GET", "/state")).json;
    expect(state.nodes).toHaveLength(3);
    expect(state.guests).toBe(24);

    const { id } = (await ctl("POST", "/faults", { kind: "status", status: 500, path: "^/version$" })).json;
    expect((await get(sim, "/version")).status).toBe(500);
    expect((await ctl("GET", "/faults")).json).toEqual([{ id, kind: "status", status: 500, path: "^/version$" }]);
    expect((await ctl("DELETE", `/faults/${id}`)).status).toBe(200);
    expect((await get(sim, "/version")).status).toBe(200);
    expect((await ctl("POST", "/faults", { kind: "bogus" })).status).toBe(400);

    const g0 = (await ctl("GET", "/guests/100")).json;
    await ctl("POST", "/advance", { seconds: 10 });
    const g1 = (await ctl("GET", "/guests/100")).json;
    expect(g1.counters.netin - g0.counters.netin).toBe(Math.round(g0.rates.netin * 10));

    expect((await ctl("POST", "/guests/100/cpu", { cpu: 0.95 })).json.cpu).toBe(0.95);
    expect((await ctl("POST", "/guests/100/restart")).json.uptime).toBeLessThan(10);
    expect((await ctl("POST", "/nodes/pve2/reboot")).status).toBe(200);
    expect((await ctl("POST", "/guests/4242/restart")).status).toBe(404);
  });

  it("can take the server down with a duration and answers the request that asked", async () => {
    const r = await ctl("POST", "/faults", { kind: "down", durationMs: 150 });
    expect(r.status).toBe(200);
    await expect(get(sim, "/version")).rejects.toBeTruthy();
    await new Promise((res) => setTimeout(res, 250));
    expect((await get(sim, "/version")).status).toBe(200);
  });

  it("is absent when control is off", async () => {
    const s = await startSimulator({ unauthorizedDelayMs: 0, control: false, guests: 2 });
    try {
      expect((await call(s, "GET", "/_sim/state", { raw: true })).status).not.toBe(200);
    } finally {
      await s.close();
    }
  });
});
