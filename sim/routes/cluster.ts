/** Cluster-wide calls answered from pmxcfs by whichever node is asked: /version, /cluster/*. */
import { VERSIONS, type Cluster } from "../cluster";
import { envelope } from "../http";
import type { SimNode } from "../model";
import { Raw, type Route, type RouteContext } from "../router";
import { guestResource } from "../vmstatus";
import { dirIndex, nodePath, requirePriv, vmPath } from "./common";

/** /nodes and /cluster/resources node entries share these stats (API2Tools extract_node_stats). */
export function nodeStats(c: Cluster, n: SimNode, out: Record<string, unknown>): void {
  if (c.isOnline(n)) {
    out.cpu = n.cpu;
    out.maxcpu = n.threads;
    out.mem = n.memUsed;
    out.maxmem = n.maxmem;
    out.disk = n.rootUsed;
    out.maxdisk = n.rootTotal;
    out.uptime = n.uptime;
  } else if (!c.isExpired(n)) {
    out.maxcpu = n.threads;
    out.maxmem = n.maxmem;
    out.maxdisk = n.rootTotal;
  }
}

export function nodeStatusWord(c: Cluster, n: SimNode): string {
  if (c.isOnline(n)) return "online";
  return c.clusterName === null ? "unknown" : "offline";
}

function storageEnabledOn(c: Cluster, sid: string, node: string): boolean {
  const s = c.storage(sid)!;
  return !s.disabled && (!s.nodes || s.nodes.includes(node));
}

function buildResources(ctx: RouteContext, type: string | undefined): unknown[] {
  const c = ctx.cluster;
  const can = ctx.principal.can;
  const out: unknown[] = [];
  if (!type || type === "vm") {
    const staleNodes = new Set(c.nodes.filter((n) => c.isExpired(n)).map((n) => n.name));
    for (const g of c.guests) {
      if (!can(vmPath(g.vmid), "VM.Audit")) continue;
      out.push(guestResource(c, g, staleNodes.has(g.node)));
    }
  }
  if (!type || type === "node") {
    for (const n of c.nodes) {
      if (!can(nodePath(n.name), "Sys.Audit")) continue;
      const e: Record<string, unknown> = { id: `node/${n.name}`, type: "node", node: n.name, status: nodeStatusWord(c, n) };
      nodeStats(c, n, e);
      if (c.isOnline(n) || !c.isExpired(n)) e.level = n.level;
      e["cgroup-mode"] = 2;
      if (c.pveVersion >= 9 && c.isOnline(n)) e["host-arch"] = "x86_64";
      out.push(e);
    }
  }
  if (!type || type === "storage") {
    for (const n of c.nodes) {
      for (const s of c.storages) {
        if (!storageEnabledOn(c, s.storage, n.name)) continue;
        const path = `/storage/${s.storage}`;
        if (!can(path, "Datastore.Audit") && !can(path, "Datastore.AllocateSpace")) continue;
        const e: Record<string, unknown> = { id: `storage/${n.name}/${s.storage}`, storage: s.storage, node: n.name, type: "storage", plugintype: s.type };
        // pvestatd reports active storages only; without a fresh report the status is unknown.
        const reported = s.reachable && !c.isExpired(n);
        e.status = reported ? "available" : "unknown";
        e.shared = s.shared ? 1 : 0;
        e.content = s.content;
        if (reported) {
          const u = s.usage.get(s.shared ? "*" : n.name)!;
          e.disk = u.used;
          e.maxdisk = u.total;
        }
        out.push(e);
      }
    }
  }
  if (!type) {
    const pools = new Set(c.guests.map((g) => g.pool).filter((p): p is string => !!p));
    for (const pool of [...pools].sort()) if (can(`/pool/${pool}`, "Pool.Audit")) out.push({ id: `/pool/${pool}`, pool, type: "pool" });
  }
  if (!type || type === "sdn") {
    for (const n of c.nodes) {
      if (!can(`/sdn/zones/localnetwork`, "SDN.Audit")) continue;
      out.push({ id: `sdn/${n.name}/localnetwork`, sdn: "localnetwork", node: n.name, type: "sdn", status: c.isExpired(n) ? "unknown" : "ok" });
    }
  }
  return out;
}

export const clusterRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/version",
    params: { allowed: [] },
    handler: (ctx) => {
      const v = VERSIONS[ctx.cluster.pveVersion];
      return { version: v.version, release: v.release, repoid: v.repoid };
    },
  },
  {
    method: "GET",
    pattern: "/cluster",
    params: { allowed: [] },
    handler: () => dirIndex("name", ["log", "options", "resources", "replication", "tasks", "backup", "ha", "status", "nextid", "firewall", "sdn", "ceph"]),
  },
  {
    method: "GET",
    pattern: "/cluster/status",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, "/", "Sys.Audit");
      const c = ctx.cluster;
      const out: Record<string, unknown>[] = [];
      if (c.clusterName !== null) {
        out.push({ type: "cluster", id: "cluster", name: c.clusterName, nodes: c.nodes.length, quorate: c.quorate() ? 1 : 0, version: c.nodes.length + 4 });
      }
      for (const n of c.nodes) {
        out.push({
          type: "node", id: `node/${n.name}`, name: n.name, ip: n.ip, nodeid: n.nodeid,
          local: n === ctx.local ? 1 : 0, online: c.isOnline(n) ? 1 : 0, level: n.level,
        });
      }
      return out;
    },
  },
  {
    method: "GET",
    pattern: "/cluster/resources",
    params: { allowed: ["type"], enums: { type: ["vm", "storage", "node", "sdn"] } },
    handler: (ctx) => {
      const type = ctx.args.type;
      const key = `resources|${type ?? ""}|${ctx.principal.cacheKey}`;
      return new Raw(ctx.cluster.cached(key, () => envelope(buildResources(ctx, type))));
    },
  },
  {
    method: "GET",
    pattern: "/cluster/replication",
    params: { allowed: [] },
    handler: (ctx) =>
      ctx.cluster.replication
        .filter((j) => ctx.principal.can(vmPath(j.guest), "VM.Audit"))
        .map((j) => {
          const e: Record<string, unknown> = { id: j.id, type: "local", guest: j.guest, jobnum: j.jobnum, target: j.target, source: j.source, schedule: j.schedule };
          if (j.rate !== undefined) e.rate = j.rate;
          if (j.comment !== undefined) e.comment = j.comment;
          if (j.disable) e.disable = 1;
          return e;
        }),
  },
];
