import { describe, expect, it } from "vitest";
import { applyStateDelta, diffState, jsonEqual, type StateDelta } from "./delta";

/** Deterministic PRNG (mulberry32) so a failing seed can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(list: T[]) => list[Math.floor(next() * list.length)] };
}

type State = Record<string, unknown> & { lastUpdate: number };

function guest(id: string, r: ReturnType<typeof rng>) {
  return {
    id,
    vmid: r.int(10000),
    name: `guest-${id}`,
    status: r.pick(["running", "stopped"]),
    cpu: r.next(),
    memory: { total: 8e9, used: r.int(8e9), free: 0, usage: r.next() * 100 },
    disks: r.next() < 0.5 ? undefined : [{ total: 1e10, used: r.int(1e10), mountpoint: "/" }],
    tags: r.next() < 0.3 ? "prod,web" : undefined,
  };
}

function baseState(r: ReturnType<typeof rng>): State {
  const list = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => guest(`${prefix}${i}`, r));
  return {
    nodes: list("pve:node", 3),
    vms: list("pve:node:1", 40),
    containers: list("pve:node:2", 20),
    storage: list("pve-node-", 5),
    dockerHosts: [],
    resources: list("res", 30),
    backups: { pve: { backupTasks: [], storageBackups: [] }, pbs: [] },
    connectionHealth: { pve: true },
    loadAverage: [0.1, 0.2, 0.3],
    stats: {},
    lastUpdate: 1000,
    isDemo: true,
  };
}

function mutate(prev: State, r: ReturnType<typeof rng>): State {
  const next: State = structuredClone(prev);
  next.lastUpdate = prev.lastUpdate + 1 + r.int(5000);
  for (const key of ["nodes", "vms", "containers", "storage", "resources", "dockerHosts"]) {
    let list = next[key] as Array<Record<string, unknown>>;
    for (const item of list) {
      const roll = r.next();
      if (roll < 0.2) item.cpu = r.next();
      else if (roll < 0.25) (item.memory as Record<string, number>).used = r.int(8e9);
      else if (roll < 0.28) item.tags = item.tags ? undefined : "new";
      else if (roll < 0.3) delete item.disks;
    }
    if (r.next() < 0.5) list = list.filter(() => r.next() > 0.05);
    if (r.next() < 0.5) for (let i = r.int(4); i > 0; i--) list.splice(r.int(list.length + 1), 0, guest(`${key}-new-${next.lastUpdate}-${i}`, r));
    if (r.next() < 0.15) list.reverse();
    next[key] = list;
  }
  if (r.next() < 0.3) next.connectionHealth = { pve: r.next() < 0.5 };
  if (r.next() < 0.2) next.loadAverage = [r.next(), r.next(), r.next()];
  if (r.next() < 0.1) {
    if ("isDemo" in next) delete next.isDemo;
    else next.isDemo = true;
  }
  if (r.next() < 0.1) next.stats = { polls: r.int(100) };
  return next;
}

const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("diffState / applyStateDelta", () => {
  it("rebuilds the next snapshot over many random mutations, also after a JSON round trip", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      let prev = viaJson(baseState(r));
      for (let step = 0; step < 15; step++) {
        const next = viaJson(mutate(prev, r));
        const delta = viaJson(diffState(prev, next));
        const rebuilt = applyStateDelta(prev, delta);
        expect(rebuilt, `seed ${seed} step ${step}`).toEqual(next);
        expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(next));
        prev = rebuilt!;
      }
    }
  });

  it("sends new items whole, changed items as their changed fields, and the ids of removed ones", () => {
    const prev = { lastUpdate: 1, vms: [{ id: "a", cpu: 0.1 }, { id: "b", cpu: 0.2 }, { id: "c", cpu: 0.3, name: "web", lock: "backup" }], stats: {} };
    const next = { lastUpdate: 2, vms: [{ id: "a", cpu: 0.1 }, { id: "c", cpu: 0.9, name: "web" }, { id: "d", cpu: 0 }], stats: {} };
    const delta = diffState(prev, next);
    expect(delta).toEqual({
      base: 1,
      lastUpdate: 2,
      upsert: { vms: [{ id: "d", cpu: 0 }] },
      patch: { vms: [{ id: "c", set: { cpu: 0.9 }, unset: ["lock"] }] },
      remove: { vms: ["b"] },
      replace: {},
    });
    expect(applyStateDelta(prev, delta)).toEqual(next);
  });

  it("refuses a patch for an item the client does not hold", () => {
    const delta: StateDelta = { base: 1, lastUpdate: 2, upsert: {}, patch: { vms: [{ id: "zz", set: { cpu: 1 } }] }, remove: {}, replace: {} };
    expect(applyStateDelta({ lastUpdate: 1, vms: [{ id: "a" }] }, delta)).toBeNull();
  });

  it("replaces changed non-array keys and arrays without ids; leaves unchanged keys out", () => {
    const prev = { lastUpdate: 1, connectionHealth: { pve: true }, loadAverage: [1, 2], metrics: {}, nodes: [] as unknown[] };
    const next = { lastUpdate: 2, connectionHealth: { pve: false }, loadAverage: [1, 3], metrics: {}, nodes: [] as unknown[] };
    expect(diffState(prev, next)).toEqual({ base: 1, lastUpdate: 2, upsert: {}, remove: {}, replace: { connectionHealth: { pve: false }, loadAverage: [1, 3] } });
  });

  it("treats arrays with duplicate ids as plain values", () => {
    const prev = { lastUpdate: 1, hosts: [{ id: 1 }, { id: 1, x: 1 }] };
    const next = { lastUpdate: 2, hosts: [{ id: 1 }, { id: 1, x: 2 }] };
    const delta = diffState(prev, next);
    expect(delta.replace).toEqual({ hosts: next.hosts });
    expect(applyStateDelta(prev, delta)).toEqual(next);
  });

  it("sends the id order only when it cannot be inferred", () => {
    const prev = { lastUpdate: 1, vms: [{ id: "a" }, { id: "b" }, { id: "c" }] };
    expect(diffState(prev, { lastUpdate: 2, vms: [{ id: "a" }, { id: "c" }, { id: "d" }] }).order).toBeUndefined();
    const inserted = { lastUpdate: 2, vms: [{ id: "a" }, { id: "x" }, { id: "b" }, { id: "c" }] };
    const delta = diffState(prev, inserted);
    expect(delta.order).toEqual({ vms: ["a", "x", "b", "c"] });
    expect(delta.upsert).toEqual({ vms: [{ id: "x" }] });
    expect(applyStateDelta(prev, delta)).toEqual(inserted);
  });

  it("unsets keys that disappeared", () => {
    const delta = diffState({ lastUpdate: 1, isDemo: true, a: 1 }, { lastUpdate: 2, a: 1 });
    expect(delta.unset).toEqual(["isDemo"]);
    expect(applyStateDelta({ lastUpdate: 1, isDemo: true, a: 1 }, delta)).toEqual({ lastUpdate: 2, a: 1 });
  });

  it("refuses a delta for another base, and keeps unchanged items' identity", () => {
    const prev = { lastUpdate: 5, vms: [{ id: "a" }, { id: "b", cpu: 1 }], storage: [{ id: "s" }] };
    const delta: StateDelta = { base: 5, lastUpdate: 6, upsert: { vms: [{ id: "b", cpu: 2 }] }, remove: {}, replace: {} };
    expect(applyStateDelta({ ...prev, lastUpdate: 4 }, delta)).toBeNull();
    const next = applyStateDelta(prev, delta)!;
    expect(next.vms[0]).toBe(prev.vms[0]);
    expect(next.storage).toBe(prev.storage);
    expect(prev.vms[1]).toEqual({ id: "b", cpu: 1 });
  });

  it("compares like JSON", () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: NaN }, { a: Infinity })).toBe(true);
    expect(jsonEqual({ a: NaN }, { a: null })).toBe(true);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, c: null })).toBe(false);
  });
});
