import { describe, expect, it } from "vitest";
import type { Storage } from "./models";
import { filterStoragePools, groupStoragePools, parseStorageQuery, storageNodes } from "./storage-pools";

const GiB = 1024 ** 3;
function storage(node: string, name: string, over: Partial<Storage> = {}): Storage {
  const total = over.total ?? 100 * GiB;
  const used = over.used ?? 50 * GiB;
  return {
    id: `demo-${node}-${name}`,
    storage: name,
    name,
    node,
    instance: "demo",
    type: "dir",
    status: "available",
    total,
    used,
    avail: total - used,
    free: total - used,
    usage: total ? (used / total) * 100 : 0,
    content: "iso,vztmpl",
    shared: false,
    enabled: true,
    active: true,
    ...over,
  };
}

const STATE = [
  storage("pve1", "local", { used: 20 * GiB }),
  storage("pve2", "local", { used: 90 * GiB }),
  storage("pve1", "local-lvm", { type: "lvmthin", content: "images,rootdir", used: 70 * GiB }),
  // Shared NFS reported by two nodes; pve2 cannot mount it right now.
  storage("pve1", "nfs-backup", { type: "nfs", shared: true, nodes: ["pve1", "pve2"], content: "backup", total: 1000 * GiB, used: 400 * GiB, usage: 40 }),
  storage("pve2", "nfs-backup", { type: "nfs", shared: true, nodes: ["pve1", "pve2"], content: "backup", status: "inactive", total: 0, used: 0, usage: 0, active: false }),
  storage("pve3", "cifs-old", { type: "cifs", shared: true, nodes: ["pve3"], status: "disabled", total: 0, used: 0, usage: 0 }),
];

describe("storage pools", () => {
  const pools = groupStoragePools(STATE);

  it("folds a shared storage into one pool with its nodes, capacity from a node that sees it", () => {
    expect(pools).toHaveLength(5);
    const nfs = pools.find((p) => p.name === "nfs-backup")!;
    expect(nfs).toMatchObject({ nodes: ["pve1", "pve2"], shared: true, status: "available", availableOn: 1, total: 1000 * GiB, usage: 40, content: ["backup"] });
    expect(nfs.memberIds).toEqual(["demo-pve1-nfs-backup", "demo-pve2-nfs-backup"]);
    // Local storages of the same name stay one per node.
    expect(pools.filter((p) => p.name === "local").map((p) => p.nodes)).toEqual([["pve1"], ["pve2"]]);
  });

  it("sorts by usage, highest first, by default", () => {
    const names = filterStoragePools(pools, {}).map((p) => `${p.name}@${p.nodes.join("+")}`);
    expect(names).toEqual(["local@pve2", "local-lvm@pve1", "nfs-backup@pve1+pve2", "local@pve1", "cifs-old@pve3"]);
    expect(filterStoragePools(pools, { sort: "usage", dir: "asc" })[0].name).toBe("cifs-old");
    expect(filterStoragePools(pools, { sort: "name" }).map((p) => p.name)).toEqual(["cifs-old", "local", "local", "local-lvm", "nfs-backup"]);
  });

  it("filters by node (shared pools count for each of their nodes) and by text", () => {
    expect(filterStoragePools(pools, { node: "pve2" }).map((p) => p.name)).toEqual(["local", "nfs-backup"]);
    expect(filterStoragePools(pools, { q: "NFS" }).map((p) => p.name)).toEqual(["nfs-backup"]);
    expect(filterStoragePools(pools, { q: "rootdir" }).map((p) => p.name)).toEqual(["local-lvm"]);
    expect(filterStoragePools(pools, { q: "nothing-like-this" })).toEqual([]);
    expect(storageNodes(pools)).toEqual(["pve1", "pve2", "pve3"]);
  });

  it("reads the query string leniently", () => {
    expect(parseStorageQuery({})).toEqual({ node: undefined, q: undefined, sort: "usage", dir: "desc" });
    expect(parseStorageQuery({ node: "pve1", q: " nfs ", sort: "name" })).toEqual({ node: "pve1", q: "nfs", sort: "name", dir: "asc" });
    expect(parseStorageQuery({ sort: "bogus", dir: "sideways", q: ["a", "b"] })).toEqual({ node: undefined, q: "a", sort: "usage", dir: "desc" });
  });
});
