/**
 * Node records from `/nodes` (+ `/nodes/{node}/status`), as Pulse's pollPVENode shapes them.
 */
import type { PveNodeListEntry, PveNodeStatus } from "../proxmox/schemas";
import type { ConnectionHealth, Node } from "../state/models";
import { diskUsage, memoryUsage } from "./usage";

export interface NodeContext {
  instance: string;
  /** `<instance>` or, for a cluster, `<clusterName>` */
  idPrefix: string;
  isCluster: boolean;
  clusterName?: string;
  host: string;
  now: number;
}

export function nodeId(idPrefix: string, node: string): string {
  return `${idPrefix}-${node}`;
}

/** `Linux 6.8.12-4-pve #1 SMP …` → `6.8.12-4-pve` */
export function kernelRelease(status: PveNodeStatus): string {
  const release = status["current-kernel"]?.release;
  if (release) return release;
  const parts = (status.kversion ?? "").trim().split(/\s+/);
  return parts[0] === "Linux" && parts[1] ? parts[1] : (parts[0] ?? "");
}

/**
 * Memory used = total − available, where available is `memory.available` (PVE ≥ 9, cache
 * aware) or else `free` (PVE 8: already total − used, cache excluded by PVE).
 */
export function nodeMemory(status: PveNodeStatus) {
  const m = status.memory;
  const available = m.available !== undefined && m.available > 0 ? m.available : m.free > 0 ? m.free : m.total - m.used;
  const total = m.total;
  const mem = memoryUsage(total, total - Math.min(available, total));
  if (status.swap.total > 0) {
    mem.swapTotal = status.swap.total;
    mem.swapUsed = status.swap.used;
  }
  return mem;
}

function base(ctx: NodeContext, entry: PveNodeListEntry): Node {
  const memory = memoryUsage(entry.maxmem, entry.mem);
  return {
    id: nodeId(ctx.idPrefix, entry.node),
    node: entry.node,
    name: entry.node,
    displayName: entry.node,
    instance: ctx.instance,
    host: ctx.host,
    status: "online",
    type: "node",
    cpu: entry.cpu,
    memory,
    mem: memory.used,
    maxmem: memory.total,
    disk: diskUsage(entry.maxdisk, entry.disk),
    maxdisk: entry.maxdisk,
    uptime: entry.uptime,
    loadAverage: [],
    kernelVersion: "",
    pveVersion: "",
    cpuInfo: { model: "", cores: entry.maxcpu, sockets: 0, mhz: "" },
    lastSeen: ctx.now,
    connectionHealth: "healthy",
    isClusterMember: ctx.isCluster,
    ...(ctx.isCluster && ctx.clusterName ? { clusterName: ctx.clusterName } : {}),
  };
}

/**
 * An online node. Without a usable status answer the `/nodes` figures are used and the
 * previous detail (memory, versions, cpu info) is kept, marked degraded.
 */
export function onlineNode(ctx: NodeContext, entry: PveNodeListEntry, status: PveNodeStatus | undefined, prev: Node | undefined): Node {
  const n = base(ctx, entry);
  if (!status) {
    n.connectionHealth = "degraded";
    if (prev) {
      n.memory = prev.memory;
      n.mem = prev.mem;
      n.maxmem = prev.maxmem;
      n.loadAverage = prev.loadAverage;
      n.kernelVersion = prev.kernelVersion;
      n.pveVersion = prev.pveVersion;
      n.cpuInfo = prev.cpuInfo;
    }
    return n;
  }
  n.cpu = status.cpu;
  n.memory = nodeMemory(status);
  n.mem = n.memory.used;
  n.maxmem = n.memory.total;
  if (status.rootfs.total > 0) {
    n.disk = diskUsage(status.rootfs.total, status.rootfs.used, status.rootfs.avail);
    n.maxdisk = status.rootfs.total;
  }
  if (status.uptime > 0) n.uptime = status.uptime;
  n.loadAverage = status.loadavg;
  n.kernelVersion = kernelRelease(status);
  n.pveVersion = status.pveversion ?? "";
  n.cpuInfo = {
    model: status.cpuinfo.model,
    cores: status.cpuinfo.cores,
    sockets: status.cpuinfo.sockets,
    mhz: status.cpuinfo.mhz,
  };
  return n;
}

/** Past the grace period: last known values, no activity. */
export function offlineNode(ctx: NodeContext, entry: PveNodeListEntry | undefined, prev: Node | undefined): Node {
  const from = prev ?? (entry ? base(ctx, entry) : undefined);
  if (!from) throw new Error("offlineNode needs a previous node or a /nodes entry");
  return {
    ...from,
    id: nodeId(ctx.idPrefix, from.node),
    host: ctx.host,
    status: "offline",
    cpu: 0,
    uptime: 0,
    connectionHealth: "error" as ConnectionHealth,
    lastSeen: prev?.lastSeen ?? ctx.now,
  };
}
