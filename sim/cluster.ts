/**
 * The simulated cluster: inventory, simulated clock and motion.
 *
 * Like pvestatd, values only change on a refresh cadence, so two requests between refreshes
 * see identical counters. Refreshes happen lazily when a request arrives (no timers), or
 * explicitly through advance().
 */
import { buildInventory } from "./inventory";
import type { PveVersion, SimGuest, SimNode, SimReplicationJob, SimStorage } from "./model";
import { createRandom, type Random } from "./random";

/** pmxcfs drops RRD entries older than this; afterwards a dead node's guests turn "unknown". */
export const RRD_EXPIRY_MS = 300_000;

export interface ClusterOptions {
  nodes: number;
  guests: number;
  seed: number;
  clusterName: string | null;
  pveVersion: PveVersion;
  updateIntervalMs: number;
}

export const VERSIONS = {
  9: {
    version: "9.0.10", release: "9.0", repoid: "deb1ca707ec72a89",
    kernel: "6.14.11-4-pve", kbuild: "#1 SMP PREEMPT_DYNAMIC PMX 6.14.11-4 (2025-10-10T08:04Z)",
    qemu: "10.0.2", machine: "pc-i440fx-10.0+pve0",
  },
  8: {
    version: "8.4.14", release: "8.4", repoid: "b502d23c55afcba1",
    kernel: "6.8.12-15-pve", kbuild: "#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-15 (2025-09-12T11:02Z)",
    qemu: "9.2.0", machine: "pc-i440fx-9.2+pve1",
  },
} as const;

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const COUNTERS = ["netin", "netout", "diskread", "diskwrite"] as const;

export class Cluster {
  readonly nodes: SimNode[];
  readonly guests: SimGuest[];
  readonly storages: SimStorage[];
  readonly replication: SimReplicationJob[];
  readonly clusterName: string | null;
  readonly pveVersion: PveVersion;
  readonly updateIntervalMs: number;
  /** Simulated epoch seconds when the simulator started. */
  readonly startedAt: number;
  private readonly nodeIndex = new Map<string, SimNode>();
  private readonly guestIndex = new Map<number, SimGuest>();
  private readonly guestsPerNode = new Map<string, SimGuest[]>();
  private readonly rng: Random;
  private offsetMs = 0;
  private lastRefresh: number;
  private nextExpiry: number | undefined;
  /** Bumped whenever anything visible changes; keys the response caches. */
  generation = 0;
  private readonly cache = new Map<string, string>();

  constructor(opts: ClusterOptions) {
    this.clusterName = opts.clusterName;
    this.pveVersion = opts.pveVersion;
    this.updateIntervalMs = opts.updateIntervalMs;
    this.lastRefresh = Date.now();
    this.startedAt = Math.floor(this.lastRefresh / 1000);
    const inv = buildInventory({
      nodes: opts.nodes,
      guests: opts.guests,
      seed: opts.seed,
      clustered: opts.clusterName !== null,
      now: this.startedAt,
    });
    this.nodes = inv.nodes;
    this.guests = inv.guests;
    this.storages = inv.storages;
    this.replication = inv.replication;
    this.rng = createRandom(opts.seed * 7919 + 1);
    for (const n of this.nodes) {
      n.kernel = VERSIONS[this.pveVersion].kernel;
      this.nodeIndex.set(n.name, n);
      this.guestsPerNode.set(n.name, []);
    }
    for (const g of this.guests) {
      this.guestIndex.set(g.vmid, g);
      this.guestsPerNode.get(g.node)!.push(g);
    }
    for (const n of this.nodes) {
      this.aggregate(n, 0);
      // Longer windows lag behind: start them a little apart instead of identical.
      n.load = [n.load[0] * 1.08, n.load[1], n.load[2] * 0.93];
    }
  }

  /** Simulated wall clock in ms. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Simulated wall clock in whole epoch seconds, as PVE reports times. */
  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  node(name: string): SimNode | undefined {
    return this.nodeIndex.get(name);
  }

  guest(vmid: number): SimGuest | undefined {
    return this.guestIndex.get(vmid);
  }

  guestsOn(node: string): SimGuest[] {
    return this.guestsPerNode.get(node) ?? [];
  }

  storage(id: string): SimStorage | undefined {
    return this.storages.find((s) => s.storage === id);
  }

  isOnline(node: SimNode): boolean {
    return node.offlineSince === undefined;
  }

  /** True once an offline node's last RRD sample is older than pmxcfs keeps it. */
  isExpired(node: SimNode): boolean {
    return node.offlineSince !== undefined && this.now() - node.offlineSince >= RRD_EXPIRY_MS;
  }

  quorate(): boolean {
    const online = this.nodes.filter((n) => this.isOnline(n)).length;
    return online * 2 > this.nodes.length;
  }

  /** Applies the pending pvestatd refresh, if one is due. Called at the start of every request. */
  ensureFresh(): void {
    const now = this.now();
    const elapsed = now - this.lastRefresh;
    if (elapsed >= this.updateIntervalMs) {
      const dt = Math.floor(elapsed / this.updateIntervalMs) * this.updateIntervalMs;
      this.lastRefresh += dt;
      this.refresh(dt / 1000);
    }
    if (this.nextExpiry !== undefined && now >= this.nextExpiry) {
      this.computeNextExpiry();
      this.bump();
    }
  }

  /** Moves the simulated clock forward and applies exactly one refresh spanning `seconds`. */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error("advance: seconds must be >= 0");
    this.offsetMs += seconds * 1000;
    this.lastRefresh = this.now();
    this.refresh(seconds);
    this.computeNextExpiry();
  }

  /** Returns the cached string for `key` in this generation, building it once. */
  cached(key: string, build: () => string): string {
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = build();
      this.cache.set(key, hit);
    }
    return hit;
  }

  bump(): void {
    this.generation++;
    this.cache.clear();
  }

  setNodeOffline(name: string, offline: boolean): void {
    const node = this.requireNode(name);
    if (offline && node.offlineSince === undefined) node.offlineSince = this.now();
    if (!offline) node.offlineSince = undefined;
    this.computeNextExpiry();
    this.bump();
  }

  restartGuest(vmid: number): void {
    const g = this.requireGuest(vmid);
    if (g.template) throw new Error(`guest ${vmid} is a template`);
    this.start(g);
    this.aggregate(this.requireNode(g.node), 0);
    this.bump();
  }

  rebootNode(name: string): void {
    const node = this.requireNode(name);
    node.uptime = this.rng.int(40, 120);
    node.load = [0.5, 0.3, 0.1];
    for (const g of this.guestsOn(name)) if (g.status !== "stopped") this.start(g);
    this.aggregate(node, 0);
    this.bump();
  }

  /** Pins a guest's CPU fraction (0..1) until changed; a negative value releases the pin. */
  setGuestCpu(vmid: number, cpu: number): void {
    const g = this.requireGuest(vmid);
    if (!Number.isFinite(cpu) || cpu < 0) {
      g.cpuPinned = undefined;
    } else {
      g.cpuPinned = cpu;
      if (g.status === "running") g.cpu = cpu;
    }
    this.aggregate(this.requireNode(g.node), 0);
    this.bump();
  }

  /** Renames a guest (any string: tests use it to check that names are escaped everywhere). */
  renameGuest(vmid: number, name: string): void {
    this.requireGuest(vmid).name = name;
    this.bump();
  }

  setGuestStatus(vmid: number, status: string): void {
    const g = this.requireGuest(vmid);
    if (g.template && status !== "stopped") throw new Error(`guest ${vmid} is a template`);
    if (g.type === "lxc" && status !== "running" && status !== "stopped") {
      throw new Error(`containers are only running or stopped, not '${status}'`);
    }
    if (status === "stopped") {
      this.stop(g);
    } else {
      if (g.status === "stopped") this.start(g);
      g.status = status;
      if (status !== "running") g.cpu = 0;
    }
    this.aggregate(this.requireNode(g.node), 0);
    this.bump();
  }

  /** Guest process start: counters begin near zero, uptime a few seconds. */
  private start(g: SimGuest): void {
    g.status = "running";
    g.uptime = this.rng.int(2, 8);
    g.pid = this.rng.int(1000, 4_000_000);
    for (const k of COUNTERS) g.counters[k] = Math.round(g.rates[k] * g.uptime * this.rng.range(0.2, 1));
    g.cpu = g.cpuPinned ?? g.cpuTarget;
    g.mem = Math.round(g.maxmem * this.rng.range(0.15, 0.3));
    g.memhost = g.type === "qemu" ? Math.max(g.mem, Math.round(g.maxmem * 0.3)) : g.mem;
    g.swap = 0;
    if (g.type === "lxc") g.disk = Math.round(g.maxdisk * g.fsUsed);
  }

  private stop(g: SimGuest): void {
    g.status = "stopped";
    g.uptime = 0;
    g.pid = 0;
    g.cpu = 0;
    g.mem = 0;
    g.memhost = 0;
    g.swap = 0;
    if (g.type === "lxc") g.disk = 0;
    for (const k of COUNTERS) g.counters[k] = 0;
  }

  /** One pvestatd cycle spanning `dt` seconds: counters grow at the guest's current rates. */
  private refresh(dt: number): void {
    const rng = this.rng;
    for (const g of this.guests) {
      const node = this.nodeIndex.get(g.node)!;
      if (node.offlineSince !== undefined || g.status === "stopped") continue;
      g.uptime += Math.round(dt);
      if (g.status !== "running") continue;
      for (const k of COUNTERS) {
        g.counters[k] += Math.round(g.rates[k] * dt);
        g.rates[k] = Math.round(clamp(g.rates[k] * Math.exp(rng.gauss() * 0.05), 200, 5e8));
      }
      g.cpuTarget = clamp(g.cpuTarget + rng.gauss() * 0.01, 0.002, 0.9);
      g.cpu = g.cpuPinned ?? clamp(g.cpu + (g.cpuTarget - g.cpu) * 0.3 + rng.gauss() * 0.01, 0.0005, 1);
      g.mem = Math.round(clamp(g.mem + rng.gauss() * g.maxmem * 0.01, g.maxmem * 0.08, g.maxmem * 0.95));
      if (g.type === "qemu") {
        g.memhost = Math.round(clamp(Math.max(g.mem, g.memhost + rng.gauss() * g.maxmem * 0.005), 0, g.maxmem));
      } else {
        g.memhost = g.mem;
        g.fsUsed = clamp(g.fsUsed + rng.next() * 0.00002 * dt, 0.01, 0.99);
        g.disk = Math.round(g.maxdisk * g.fsUsed);
      }
    }
    for (const n of this.nodes) {
      if (n.offlineSince !== undefined) continue;
      n.uptime += Math.round(dt);
      n.wait = clamp(n.wait + rng.gauss() * 0.0005, 0, 0.05);
      this.aggregate(n, dt);
    }
    this.bump();
  }

  /** Node CPU/memory follow the sum of its guests; load averages decay towards the run queue. */
  private aggregate(n: SimNode, dt: number): void {
    let busy = 0;
    let mem = n.baseMem;
    for (const g of this.guestsOn(n.name)) {
      if (g.status === "stopped") continue;
      if (g.status === "running") busy += g.cpu * g.maxcpu;
      mem += g.type === "qemu" ? g.memhost : g.mem;
    }
    n.cpu = clamp(0.008 + busy / n.threads, 0, 1);
    n.memUsed = Math.round(clamp(mem, 0, n.maxmem * 0.97));
    const runq = n.cpu * n.threads;
    const windows = [60, 300, 900];
    n.load = n.load.map((l, i) => {
      const keep = dt > 0 ? Math.exp(-dt / windows[i]) : l === 0 ? 0 : 1;
      return l * keep + runq * (1 - keep);
    }) as [number, number, number];
  }

  private computeNextExpiry(): void {
    let next: number | undefined;
    const now = this.now();
    for (const n of this.nodes) {
      if (n.offlineSince === undefined) continue;
      const at = n.offlineSince + RRD_EXPIRY_MS;
      if (at > now && (next === undefined || at < next)) next = at;
    }
    this.nextExpiry = next;
  }

  private requireGuest(vmid: number): SimGuest {
    const g = this.guestIndex.get(vmid);
    if (!g) throw new Error(`no such guest ${vmid}`);
    return g;
  }

  private requireNode(name: string): SimNode {
    const n = this.nodeIndex.get(name);
    if (!n) throw new Error(`no such node '${name}'`);
    return n;
  }
}
