/**
 * Unified resources: one flat list over every platform (`/api/resources`, WS `rawData`),
 * and the summary counts behind `/api/resources/stats`.
 */
import type { Container, Node, Resource, StateFrontend, Storage, VM } from "./models";

const pct = (v: number) => Math.round(v * 100) / 100;

function metric(total: number, used: number): Resource["memory"] {
  return { current: total > 0 ? pct((used / total) * 100) : 0, total, used, free: Math.max(0, total - used) };
}

function splitTags(tags?: string): string[] | undefined {
  const list = tags?.split(",").filter(Boolean);
  return list?.length ? list : undefined;
}

function nodeResource(n: Node): Resource {
  return {
    id: n.id,
    type: "node",
    name: n.name,
    displayName: n.displayName || n.name,
    platformId: n.instance,
    platformType: "proxmox-pve",
    sourceType: "api",
    clusterId: n.clusterName,
    status: n.status,
    cpu: { current: pct(n.cpu * 100), total: n.cpuInfo?.cores },
    memory: metric(n.memory?.total ?? n.maxmem, n.memory?.used ?? n.mem),
    disk: metric(n.disk?.total ?? n.maxdisk, n.disk?.used ?? 0),
    uptime: n.uptime,
    lastSeen: n.lastSeen,
    platformData: { node: n.node, host: n.host, pveVersion: n.pveVersion, kernelVersion: n.kernelVersion, connectionHealth: n.connectionHealth },
  };
}

function guestResource(g: VM | Container, nodeIds: Map<string, string>): Resource {
  const isVm = g.type === "qemu";
  const disk = g.disk && g.disk.usage >= 0 ? metric(g.disk.total, g.disk.used) : undefined;
  return {
    id: g.id,
    type: isVm ? "vm" : g.type === "oci" ? "oci-container" : "container",
    name: g.name,
    displayName: g.name,
    platformId: g.instance,
    platformType: "proxmox-pve",
    sourceType: "api",
    parentId: nodeIds.get(`${g.instance}\0${g.node}`),
    status: g.status,
    cpu: { current: pct(g.cpu * 100), total: g.cpus },
    memory: metric(g.memory?.total ?? g.maxmem, g.memory?.used ?? g.mem),
    disk,
    network: { rxBytes: g.networkIn, txBytes: g.networkOut },
    uptime: g.uptime,
    tags: splitTags(g.tags),
    lastSeen: g.lastSeen,
    platformData: { vmid: g.vmid, node: g.node, instance: g.instance, lock: g.lock, template: g.template },
  };
}

function storageResource(s: Storage, nodeIds: Map<string, string>, lastSeen: number): Resource {
  return {
    id: s.id,
    type: "storage",
    name: s.name,
    displayName: s.name,
    platformId: s.instance,
    platformType: "proxmox-pve",
    sourceType: "api",
    parentId: nodeIds.get(`${s.instance}\0${s.node}`),
    status: s.status,
    disk: metric(s.total, s.used),
    lastSeen,
    platformData: { type: s.type, content: s.content, shared: s.shared, node: s.node },
  };
}

export function buildResources(state: Pick<StateFrontend, "nodes" | "vms" | "containers" | "storage" | "lastUpdate">): Resource[] {
  const nodeIds = new Map(state.nodes.map((n) => [`${n.instance}\0${n.node}`, n.id]));
  const out: Resource[] = [];
  for (const n of state.nodes) out.push(nodeResource(n));
  for (const g of state.vms) out.push(guestResource(g, nodeIds));
  for (const g of state.containers) out.push(guestResource(g, nodeIds));
  for (const s of state.storage) out.push(storageResource(s, nodeIds, state.lastUpdate));
  return out;
}

/** Health buckets used by the stats rollup. */
function health(status: string): "healthy" | "degraded" | "offline" | "unknown" {
  if (["online", "running", "available"].includes(status)) return "healthy";
  if (["offline", "stopped", "disabled", "inactive", "unavailable"].includes(status)) return "offline";
  if (["paused", "suspended", "degraded"].includes(status)) return "degraded";
  return "unknown";
}

export interface ResourceStats {
  total: number;
  byType: Record<string, number>;
  byStatus: Record<string, number>;
  byPlatform: Record<string, number>;
  health: Record<"healthy" | "degraded" | "offline" | "unknown", number>;
  lastUpdate: number;
}

export function resourceStats(resources: readonly Resource[], lastUpdate: number): ResourceStats {
  const stats: ResourceStats = {
    total: resources.length,
    byType: {},
    byStatus: {},
    byPlatform: {},
    health: { healthy: 0, degraded: 0, offline: 0, unknown: 0 },
    lastUpdate,
  };
  for (const r of resources) {
    stats.byType[r.type] = (stats.byType[r.type] ?? 0) + 1;
    stats.byStatus[r.status] = (stats.byStatus[r.status] ?? 0) + 1;
    stats.byPlatform[r.platformType] = (stats.byPlatform[r.platformType] ?? 0) + 1;
    stats.health[health(r.status)]++;
  }
  return stats;
}
