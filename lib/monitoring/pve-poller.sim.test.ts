/** Full poll cycles against the PVE simulator. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TOKEN, startSimulator, type Simulator } from "../../sim";
import type { PveInstanceConfig } from "../proxmox/config";
import { discoverClusterEndpoints } from "../proxmox/discovery";
import type { Container, VM } from "../state/models";
import { NODE_OFFLINE_GRACE_MS, PvePoller } from "./pve-poller";

let sim: Simulator;
const pollers: PvePoller[] = [];

beforeAll(async () => {
  sim = await startSimulator({ host: "127.0.0.1", port: 0, nodes: 3, guests: 24, clusterName: "lab-cluster", seed: 11, unauthorizedDelayMs: 0 });
});
afterAll(() => sim.close());
afterEach(async () => {
  sim.faults.clear();
  await Promise.all(pollers.splice(0).map((p) => p.close()));
});

function poller(over: Partial<PveInstanceConfig> = {}, opts: { deadlineMs?: number } = {}) {
  const p = new PvePoller(
    { name: "lab", host: sim.url, tokenName: DEFAULT_TOKEN.tokenId, tokenValue: DEFAULT_TOKEN.secret, verifySsl: false, ...over },
    // simulated wall clock, so `advance()` moves rates and the grace period
    { now: () => sim.now(), ...opts },
  );
  pollers.push(p);
  return p;
}

type SimGuestView = { vmid: number; status: string; template: boolean; counters: { diskread: number; diskwrite: number; netin: number; netout: number } };
const simGuest = (vmid: number) => sim.guest(vmid) as SimGuestView;

describe("one poll of a 3-node cluster", () => {
  it("produces Pulse-shaped nodes, guests and storage", async () => {
    const s = await poller().poll();
    expect(s).toMatchObject({ instance: "lab", healthy: true });
    expect(s.error).toBeUndefined();

    expect(s.nodes.map((n) => n.id)).toEqual(sim.nodes.map((n) => `lab-cluster-${n}`));
    for (const n of s.nodes) {
      expect(Object.keys(n).sort()).toEqual(
        [
          "clusterName", "connectionHealth", "cpu", "cpuInfo", "disk", "displayName", "host", "id", "instance", "isClusterMember", "kernelVersion",
          "lastSeen", "loadAverage", "maxdisk", "maxmem", "mem", "memory", "name", "node", "pveVersion", "status", "type", "uptime",
        ].sort(),
      );
      expect(n).toMatchObject({ status: "online", type: "node", connectionHealth: "healthy", isClusterMember: true, clusterName: "lab-cluster", instance: "lab" });
      expect(n.cpu).toBeGreaterThanOrEqual(0);
      expect(n.cpu).toBeLessThanOrEqual(1);
      expect(n.memory!.total).toBeGreaterThan(1024 ** 3);
      expect(n.memory!.used).toBe(n.mem);
      expect(n.memory!.usage).toBeCloseTo((n.mem / n.maxmem) * 100, 6);
      expect(n.loadAverage).toHaveLength(3);
      expect(typeof n.loadAverage[0]).toBe("number");
      expect(n.kernelVersion).toMatch(/-pve$/);
      expect(n.pveVersion).toMatch(/^pve-manager\//);
      expect(typeof n.cpuInfo.mhz).toBe("string");
      expect(n.host).toBe(sim.url);
    }

    const guests: (VM | Container)[] = [...s.vms, ...s.containers];
    expect(guests.length).toBeGreaterThan(10);
    for (const g of guests) {
      expect(g.id).toBe(`lab:${g.node}:${g.vmid}`);
      expect(simGuest(g.vmid).template).toBe(false);
      expect(g.template).toBe(false);
      expect(g.cpu).toBeGreaterThanOrEqual(0);
      expect(g.cpu).toBeLessThanOrEqual(1.5);
      if (g.status !== "running") expect(g).toMatchObject({ cpu: 0, mem: 0, networkIn: 0, diskWrite: 0 });
      if (g.tags) expect(g.tags).not.toMatch(/;/);
    }
    const agentVm = s.vms.find((v) => v.status === "running" && v.disks?.length);
    expect(agentVm).toBeDefined();
    expect(agentVm!.disk!.usage).toBeGreaterThan(0);
    expect(agentVm!.disk!.total).toBe(agentVm!.disks!.reduce((a, d) => a + d.total, 0));
    expect(agentVm!.ipAddresses?.length).toBeGreaterThan(0);
    expect(agentVm!.osName).toBeTruthy();
    expect(s.vms.find((v) => v.status === "stopped")?.diskStatusReason).toBe("vm-stopped");
    const ct = s.containers.find((c) => c.status === "running");
    expect(ct?.disk?.usage).toBeGreaterThan(0);

    expect(s.storage.length).toBeGreaterThan(0);
    for (const st of s.storage) {
      expect(st.id).toBe(`lab-${st.node}-${st.storage}`);
      expect(["available", "inactive", "disabled"]).toContain(st.status);
      if (st.total > 0) expect(st.usage).toBeCloseTo((st.used / st.total) * 100, 6);
    }
  });
});

describe("rates", () => {
  it("are Δcounter/Δt after advance(), and 0 for the interval of a counter reset", async () => {
    const p = poller();
    const first = await p.poll();
    const vm = first.vms.find((v) => v.status === "running" && !v.lock)!;
    expect(vm.networkIn).toBe(0); // first sample
    const before = { ...simGuest(vm.vmid).counters };
    const t0 = sim.now();
    sim.advance(10);
    const second = await p.poll();
    const after = simGuest(vm.vmid).counters;
    const dt = (sim.now() - t0) / 1000;
    const got = second.vms.find((v) => v.id === vm.id)!;
    expect(got.networkIn).toBeGreaterThan(0);
    // counters read during the poll; Δt measured locally: allow for the poll's own duration
    expect(got.networkIn).toBeGreaterThan(((after.netin - before.netin) / dt) * 0.9);
    expect(got.networkIn).toBeLessThan(((after.netin - before.netin) / dt) * 1.1);
    expect(got.diskWrite).toBeGreaterThan(0);

    sim.restartGuest(vm.vmid);
    sim.advance(10);
    const third = await p.poll();
    const reset = third.vms.find((v) => v.id === vm.id)!;
    expect(reset.status).toBe("running");
    expect(reset).toMatchObject({ networkIn: 0, networkOut: 0, diskRead: 0, diskWrite: 0 });
    sim.advance(10);
    const fourth = await p.poll();
    expect(fourth.vms.find((v) => v.id === vm.id)!.networkIn).toBeGreaterThan(0);
  });
});

describe("guest agent failures", () => {
  it.each([
    ["not-running", "agent-not-running"],
    ["disabled", "agent-disabled"],
    ["timeout", "agent-timeout"],
  ] as const)("%s → diskStatusReason %s", async (mode, reason) => {
    const p = poller();
    const s0 = await p.poll();
    const vm = s0.vms.find((v) => v.status === "running" && v.disks?.length)!;
    sim.faults.add({ kind: "agent", vmid: vm.vmid, mode, delayMs: 50 });
    const s1 = await p.poll();
    const got = s1.vms.find((v) => v.id === vm.id)!;
    expect(got.diskStatusReason).toBe(reason);
    expect(got.disk).toMatchObject({ usage: -1 });
    expect(got.disks).toBeUndefined();
  });
});

describe("node offline", () => {
  it("keeps the node online for the grace period, then shows it offline with frozen guests", async () => {
    const p = poller();
    const s0 = await p.poll();
    const node = "pve2";
    const guestsBefore = s0.vms.filter((v) => v.node === node);
    expect(guestsBefore.length).toBeGreaterThan(0);
    const fault = sim.faults.add({ kind: "node-offline", node });

    sim.advance(10);
    const grace = await p.poll();
    const n1 = grace.nodes.find((n) => n.node === node)!;
    expect(n1).toMatchObject({ status: "online", connectionHealth: "degraded" });
    expect(n1.uptime).toBe(s0.nodes.find((n) => n.node === node)!.uptime);
    for (const g of guestsBefore) expect(grace.vms.find((v) => v.id === g.id)).toEqual(g);

    sim.advance(NODE_OFFLINE_GRACE_MS / 1000 + 1);
    const off = await p.poll();
    expect(off.healthy).toBe(true);
    expect(off.nodes.find((n) => n.node === node)).toMatchObject({ status: "offline", connectionHealth: "error", cpu: 0 });
    for (const g of guestsBefore) {
      const v = off.vms.find((x) => x.id === g.id)!;
      expect(v).toMatchObject({ status: g.status, mem: g.mem, networkIn: 0, networkOut: 0, diskRead: 0, diskWrite: 0 });
    }
    expect(off.nodes.filter((n) => n.status === "online")).toHaveLength(2);
    expect(off.storage.filter((s) => s.node === node).every((s) => s.status === "offline")).toBe(true);

    sim.faults.remove(fault);
    sim.advance(10);
    const back = await p.poll();
    expect(back.nodes.find((n) => n.node === node)).toMatchObject({ status: "online", connectionHealth: "healthy" });
  });

  it("an unreachable API yields healthy:false with the previous data, never a throw", async () => {
    const p = poller();
    const s0 = await p.poll();
    sim.faults.add({ kind: "down" });
    const s1 = await p.poll();
    expect(s1.healthy).toBe(false);
    expect(s1.error).toBeTruthy();
    expect(s1.nodes.map((n) => n.status)).toEqual(s0.nodes.map(() => "online"));
    expect(s1.vms).toHaveLength(s0.vms.length);
    sim.advance(NODE_OFFLINE_GRACE_MS / 1000 + 1);
    const s2 = await p.poll();
    expect(s2.nodes.every((n) => n.status === "offline")).toBe(true);
    expect(s2.vms.every((v) => v.networkIn === 0 && v.diskWrite === 0)).toBe(true);
    const fresh = await poller().poll();
    expect(fresh).toMatchObject({ healthy: false, nodes: [], vms: [] });
  });
});

describe("cycle deadline", () => {
  it("returns what finished and keeps previous values for the rest", async () => {
    const p = poller({}, { deadlineMs: 600 });
    const s0 = await p.poll();
    sim.faults.add({ kind: "slow", delayMs: 3_000, path: "/status/current$" });
    sim.advance(10);
    const started = Date.now();
    const s1 = await p.poll();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(s1.healthy).toBe(true);
    for (const vm of s0.vms.filter((v) => v.status === "running")) expect(s1.vms.find((v) => v.id === vm.id)).toEqual(vm);
    expect(s1.nodes.every((n) => n.status === "online")).toBe(true);
  });
});

describe("cluster failover", () => {
  let multi: Simulator;
  beforeAll(async () => {
    multi = await startSimulator({ port: 0, nodes: 3, guests: 9, clusterName: "multi", seed: 2, unauthorizedDelayMs: 0, perNodeAddresses: true });
  });
  afterAll(() => multi.close());

  it("keeps polling through the second endpoint when the first is down", async () => {
    const base = { name: "multi", host: multi.url, tokenName: DEFAULT_TOKEN.tokenId, tokenValue: DEFAULT_TOKEN.secret, verifySsl: false };
    const d = await discoverClusterEndpoints(base);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const p = new PvePoller({ ...base, isCluster: true, clusterName: "multi", clusterEndpoints: d.data.endpoints }, { now: () => multi.now() });
    pollers.push(p);
    const s0 = await p.poll();
    expect(s0.nodes.map((n) => n.host)).toEqual(d.data.endpoints.map((e) => e.host).sort());
    const firstNode = d.data.endpoints.find((e) => e.host === multi.url)!.nodeName;
    multi.faults.add({ kind: "node-offline", node: firstNode });
    const s1 = await p.poll();
    expect(s1.healthy).toBe(true);
    expect(s1.nodes.filter((n) => n.node !== firstNode).every((n) => n.status === "online" && n.connectionHealth === "healthy")).toBe(true);
    expect(s1.vms.length + s1.containers.length).toBe(s0.vms.length + s0.containers.length);
    multi.faults.clear();
  });
});
