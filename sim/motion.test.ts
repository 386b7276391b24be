import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import type { SimGuest } from "./model";
import { get } from "./test-helpers";

let sim: Simulator;
beforeAll(async () => {
  // A long cadence: only advance() refreshes during these tests.
  sim = await startSimulator({ unauthorizedDelayMs: 0, updateIntervalMs: 3_600_000 });
});
afterAll(() => sim.close());

const resource = async (vmid: number) =>
  (await get(sim, "/cluster/resources?type=vm")).json.data.find((g: { vmid: number }) => g.vmid === vmid);

describe("pvestatd cadence", () => {
  it("serves identical counters between refreshes", async () => {
    const a = await resource(100);
    const b = await resource(100);
    expect(b).toEqual(a);
  });

  it("grows counters by rate × seconds and uptime by the span on advance()", async () => {
    const before = sim.guest(100) as SimGuest;
    const r0 = await resource(100);
    sim.advance(60);
    const r1 = await resource(100);
    for (const k of ["netin", "netout", "diskread", "diskwrite"] as const) {
      expect(r1[k] - r0[k]).toBe(Math.round(before.rates[k] * 60));
    }
    expect(r1.uptime - r0.uptime).toBe(60);
    const cur = (await get(sim, "/nodes/pve1/qemu/100/status/current")).json.data;
    expect(cur.netin).toBe(r1.netin);
    expect(cur.diskwrite).toBe(r1.diskwrite);
  });

  it("keeps stopped and paused guests' counters still", async () => {
    const paused = (await get(sim, "/cluster/resources?type=vm")).json.data.find((g: { status: string }) => g.status === "paused");
    const stopped = (await get(sim, "/cluster/resources?type=vm")).json.data.find((g: { status: string; template: number }) => g.status === "stopped" && !g.template);
    sim.advance(30);
    const after = (await get(sim, "/cluster/resources?type=vm")).json.data;
    const p2 = after.find((g: { vmid: number }) => g.vmid === paused.vmid);
    expect(p2.netin).toBe(paused.netin);
    expect(p2.uptime).toBe(paused.uptime + 30);
    expect(p2.cpu).toBe(0);
    expect(after.find((g: { vmid: number }) => g.vmid === stopped.vmid)).toEqual(stopped);
  });

  it("refreshes on its own when the cadence elapses", async () => {
    const fast = await startSimulator({ unauthorizedDelayMs: 0, updateIntervalMs: 50, guests: 3 });
    try {
      const a = (await get(fast, "/nodes/pve1/qemu/100/status/current")).json.data;
      await new Promise((r) => setTimeout(r, 120));
      const b = (await get(fast, "/nodes/pve1/qemu/100/status/current")).json.data;
      expect(b.netin).toBeGreaterThan(a.netin);
      expect(b.uptime).toBeGreaterThanOrEqual(a.uptime);
    } finally {
      await fast.close();
    }
  });
});

describe("controls", () => {
  it("resets counters and uptime on restartGuest", async () => {
    const before = await resource(100);
    sim.restartGuest(100);
    const after = await resource(100);
    expect(after.status).toBe("running");
    expect(after.uptime).toBeLessThan(10);
    expect(after.netin).toBeLessThan(before.netin);
    expect(after.netin).toBeLessThan(100 * 1024 * 1024);
  });

  it("reboots a node: node uptime resets and its running guests restart", async () => {
    sim.advance(3600);
    sim.rebootNode("pve2");
    const node = (await get(sim, "/nodes")).json.data.find((n: { node: string }) => n.node === "pve2");
    expect(node.uptime).toBeLessThan(200);
    const guests = (await get(sim, "/cluster/resources?type=vm")).json.data.filter((g: { node: string; status: string }) => g.node === "pve2" && g.status === "running");
    expect(guests.length).toBeGreaterThan(0);
    for (const g of guests) expect(g.uptime).toBeLessThan(10);
  });

  it("pins CPU with setGuestCpu and node CPU follows", async () => {
    const n0 = (await get(sim, "/nodes/pve1/status")).json.data.cpu;
    sim.setGuestCpu(100, 1);
    expect((await resource(100)).cpu).toBe(1);
    sim.advance(10);
    expect((await resource(100)).cpu).toBe(1);
    const n1 = (await get(sim, "/nodes/pve1/status")).json.data.cpu;
    expect(n1).toBeGreaterThan(n0);
    sim.setGuestCpu(100, -1);
  });

  it("stops and starts guests with setGuestStatus", async () => {
    sim.setGuestStatus(100, "stopped");
    expect(await resource(100)).toMatchObject({ status: "stopped", cpu: 0, netin: 0, uptime: 0 });
    sim.setGuestStatus(100, "paused");
    const cur = (await get(sim, "/nodes/pve1/qemu/100/status/current")).json.data;
    expect(cur).toMatchObject({ status: "running", qmpstatus: "paused" });
    sim.setGuestStatus(100, "running");
    expect((await resource(100)).status).toBe("running");
    expect(() => sim.setGuestStatus(101, "paused")).toThrow(/containers/);
    expect(() => sim.restartGuest(4242)).toThrow(/no such guest/);
  });

  it("is deterministic for a seed", async () => {
    const a = await startSimulator({ unauthorizedDelayMs: 0, seed: 42, guests: 30 });
    const b = await startSimulator({ unauthorizedDelayMs: 0, seed: 42, guests: 30 });
    try {
      a.advance(20);
      b.advance(20);
      const ra = (await get(a, "/cluster/resources?type=vm")).json.data;
      const rb = (await get(b, "/cluster/resources?type=vm")).json.data;
      expect(ra).toEqual(rb);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
