/**
 * The storage view's rows: the state lists a storage once per node that reports it, so a
 * shared storage (NFS, Ceph, PBS, …) is folded into one pool with the list of its nodes.
 * Plus the view's filtering (node, free text) and sorting.
 */
import type { Storage } from "./models";

export interface StoragePool {
  /** the first member's id; members share the storage's capacity */
  id: string;
  name: string;
  instance: string;
  type: string;
  /** content types (`images`, `rootdir`, `backup`, …) */
  content: string[];
  shared: boolean;
  /** nodes that report it (sorted) */
  nodes: string[];
  /** the best status among the members (available wins) */
  status: Storage["status"];
  /** how many of `nodes` report it available */
  availableOn: number;
  total: number;
  used: number;
  free: number;
  /** percent 0–100 */
  usage: number;
  /** ids of the per-node records folded into this pool */
  memberIds: string[];
}

const STATUS_RANK: Record<Storage["status"], number> = { available: 0, inactive: 1, unknown: 2, disabled: 3, unavailable: 4, offline: 5 };

/** Shared storages of one instance are one pool; everything else is per node. */
function poolKey(s: Storage): string {
  return s.shared ? `shared\0${s.instance}\0${s.storage || s.name}` : `node\0${s.id}`;
}

function splitContent(content: string | undefined): string[] {
  return [...new Set((content ?? "").split(",").map((c) => c.trim()).filter(Boolean))].sort();
}

export function groupStoragePools(storage: readonly Storage[]): StoragePool[] {
  const groups = new Map<string, Storage[]>();
  for (const s of storage) {
    const key = poolKey(s);
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()].map((members) => {
    // Capacity comes from a member that can see the storage (an inactive one reports zeros).
    const ranked = [...members].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || b.total - a.total);
    const best = ranked[0];
    const nodes = new Set<string>();
    for (const m of members) {
      if (m.node) nodes.add(m.node);
      // A shared storage also names the nodes it is configured for.
      if (m.shared) for (const n of m.nodes ?? []) nodes.add(n);
    }
    const free = best.free ?? best.avail ?? Math.max(0, best.total - best.used);
    return {
      id: members[0].id,
      name: best.storage || best.name,
      instance: best.instance,
      type: best.type,
      content: splitContent(members.map((m) => m.content).join(",")),
      shared: best.shared,
      nodes: [...nodes].sort(),
      status: best.status,
      availableOn: new Set(members.filter((m) => m.status === "available").map((m) => m.node)).size,
      total: best.total,
      used: best.used,
      free,
      usage: Number.isFinite(best.usage) ? best.usage : best.total > 0 ? (best.used / best.total) * 100 : 0,
      memberIds: members.map((m) => m.id),
    };
  });
}

export const STORAGE_SORT_KEYS = ["usage", "name", "node", "type", "total", "free", "status"] as const;
export type StorageSortKey = (typeof STORAGE_SORT_KEYS)[number];

export interface StorageQuery {
  /** only pools on this node */
  node?: string;
  /** case-insensitive text over name, type, content, nodes, instance */
  q?: string;
  sort?: StorageSortKey;
  dir?: "asc" | "desc";
}

/** Usage (and sizes) read best from high to low; names from A to Z. */
export function defaultDirection(sort: StorageSortKey): "asc" | "desc" {
  return sort === "usage" || sort === "total" || sort === "free" ? "desc" : "asc";
}

export function filterStoragePools(pools: readonly StoragePool[], query: StorageQuery): StoragePool[] {
  const needle = query.q?.trim().toLowerCase();
  const sort = query.sort ?? "usage";
  const dir = query.dir ?? defaultDirection(sort);
  const out = pools.filter((p) => {
    if (query.node && !p.nodes.includes(query.node)) return false;
    if (!needle) return true;
    const haystack = [p.name, p.type, p.instance, p.status, ...p.content, ...p.nodes].join(" ").toLowerCase();
    return haystack.includes(needle);
  });
  const text = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  const compare: Record<StorageSortKey, (a: StoragePool, b: StoragePool) => number> = {
    usage: (a, b) => a.usage - b.usage,
    name: (a, b) => text(a.name, b.name),
    node: (a, b) => text(a.nodes.join(","), b.nodes.join(",")),
    type: (a, b) => text(a.type, b.type),
    total: (a, b) => a.total - b.total,
    free: (a, b) => a.free - b.free,
    status: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status],
  };
  const sign = dir === "asc" ? 1 : -1;
  // Ties fall back to the name, then the node list, so the order is stable between refreshes.
  return out.sort((a, b) => sign * compare[sort](a, b) || text(a.name, b.name) || text(a.nodes.join(","), b.nodes.join(",")));
}

/** Node names that appear in any pool, for the node filter. */
export function storageNodes(pools: readonly StoragePool[]): string[] {
  return [...new Set(pools.flatMap((p) => p.nodes))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The view's query string, read leniently: anything unknown falls back to the default. */
export function parseStorageQuery(params: Record<string, string | string[] | undefined>): StorageQuery {
  const node = first(params.node)?.trim().slice(0, 200);
  const q = first(params.q)?.trim().slice(0, 200);
  const sortRaw = first(params.sort);
  const sort = STORAGE_SORT_KEYS.find((k) => k === sortRaw) ?? "usage";
  const dirRaw = first(params.dir);
  const dir = dirRaw === "asc" || dirRaw === "desc" ? dirRaw : defaultDirection(sort);
  return { node: node || undefined, q: q || undefined, sort, dir };
}
