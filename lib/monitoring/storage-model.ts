/**
 * Storage records from `/nodes/{node}/storage`, enriched with the datacenter `/storage`
 * config (which nodes may use it, shared flag) — pve-api §3.10, §6.6.
 */
import type { PveNodeStorageEntry, PveStorageConfigEntry } from "../proxmox/schemas";
import type { Storage } from "../state/models";
import { percent } from "./usage";

/** Types that are network/cluster storage even when `shared` is not set. */
const SHARED_TYPES = new Set(["rbd", "cephfs", "pbs", "glusterfs", "nfs", "cifs", "iscsi", "iscsidirect"]);

export interface StorageContext {
  instance: string;
  /** all node names of the instance, for shared storages without a `nodes` restriction */
  allNodes: readonly string[];
  nodeId(node: string): string;
}

export function storageId(instance: string, node: string, storage: string): string {
  return `${instance}-${node}-${storage}`;
}

export function storageStatus(entry: Pick<PveNodeStorageEntry, "enabled" | "active">): Storage["status"] {
  if (!entry.enabled) return "disabled";
  return entry.active ? "available" : "inactive";
}

/**
 * Returns undefined for entries Pulse hides: an active storage reporting no size.
 * Inactive and disabled storages stay visible (with zeros) so an unmounted NFS share shows.
 */
export function buildStorage(
  ctx: StorageContext,
  node: string,
  entry: PveNodeStorageEntry,
  config: PveStorageConfigEntry | undefined,
): Storage | undefined {
  const status = storageStatus(entry);
  if (status === "available" && entry.total <= 0) return undefined;
  const shared = entry.shared || config?.shared === true || SHARED_TYPES.has(entry.type);
  const nodes = config?.nodes ?? (shared ? [...ctx.allNodes] : [node]);
  const total = Math.max(0, entry.total);
  const used = Math.min(Math.max(0, entry.used), total || entry.used);
  const avail = Math.max(0, entry.avail);
  return {
    id: storageId(ctx.instance, node, entry.storage),
    storage: entry.storage,
    name: entry.storage,
    node,
    instance: ctx.instance,
    nodes,
    nodeIds: nodes.map((n) => ctx.nodeId(n)),
    nodeCount: nodes.length,
    type: entry.type || config?.type || "",
    status,
    total,
    used,
    avail,
    free: avail,
    usage: percent(used, total),
    content: entry.content || config?.content || "",
    shared,
    enabled: entry.enabled,
    active: entry.active,
  };
}
