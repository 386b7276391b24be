/** Storage: datacenter config (/storage), per-node status and content listings. */
import { envelope, failure } from "../http";
import type { SimStorage } from "../model";
import { Raw, truthy, type Route, type RouteContext } from "../router";
import { requirePriv } from "./common";

const STORAGE_TYPES = ["btrfs", "cephfs", "cifs", "dir", "esxi", "glusterfs", "iscsi", "iscsidirect", "lvm", "lvmthin", "nfs", "pbs", "rbd", "zfs", "zfspool"];
const AUDIT = ["Datastore.Audit", "Datastore.AllocateSpace"];

const canSee = (ctx: RouteContext, s: SimStorage) => AUDIT.some((p) => ctx.principal.can(`/storage/${s.storage}`, p));
const enabledOn = (s: SimStorage, node: string) => !s.disabled && (!s.nodes || s.nodes.includes(node));

/** One /nodes/{node}/storage entry; storages not usable here report zeros (storage_info). */
function storageStatus(s: SimStorage, node: string): Record<string, unknown> {
  const enabled = enabledOn(s, node);
  const active = enabled && s.reachable;
  const u = active ? s.usage.get(s.shared ? "*" : node)! : { total: 0, used: 0 };
  const e: Record<string, unknown> = {
    storage: s.storage, type: s.type, content: s.content, shared: s.shared ? 1 : 0, enabled: enabled ? 1 : 0, active: active ? 1 : 0,
    total: u.total, used: u.used, avail: u.total - u.used,
  };
  if (u.total > 0) e.used_fraction = u.used / u.total;
  return e;
}

function requireStorage(ctx: RouteContext): SimStorage {
  const s = ctx.cluster.storage(ctx.params.storage);
  if (!s) throw failure(`storage '${ctx.params.storage}' does not exist`);
  return s;
}

function requireOnline(ctx: RouteContext, s: SimStorage): void {
  const node = ctx.params.node;
  if (s.disabled) throw failure(`storage '${s.storage}' is disabled`);
  if (!enabledOn(s, node)) throw failure(`storage '${s.storage}' is not available on node '${node}'`);
  if (!s.reachable) throw failure(`storage '${s.storage}' is not online`);
}

const configDigest = "6c2f0e3a9d8b7c1e5f4a3b2c1d0e9f8a7b6c5d4e";

export const storageRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/storage",
    params: { allowed: ["type"], enums: { type: STORAGE_TYPES } },
    handler: (ctx) =>
      ctx.cluster.storages
        .filter((s) => canSee(ctx, s) && (!ctx.args.type || s.type === ctx.args.type))
        .map((s) => {
          const e: Record<string, unknown> = { storage: s.storage, type: s.type, content: s.content, digest: configDigest, ...s.config };
          if (s.nodes) e.nodes = s.nodes.join(",");
          if (s.shared && s.type !== "dir") e.shared = 1;
          if (s.disabled) e.disable = 1;
          return e;
        }),
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/storage",
    params: { allowed: ["content", "enabled", "format", "storage", "target"], booleans: ["enabled", "format"] },
    handler: (ctx) => {
      const a = ctx.args;
      const node = ctx.params.node;
      const onlyEnabled = truthy(a.enabled);
      return ctx.cluster.storages
        .filter((s) => canSee(ctx, s))
        .filter((s) => !a.storage || s.storage === a.storage)
        .filter((s) => !a.content || a.content.split(",").some((ct) => s.content.split(",").includes(ct)))
        .filter((s) => !onlyEnabled || enabledOn(s, node))
        .map((s) => storageStatus(s, node));
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/storage/{storage}/status",
    params: { allowed: [] },
    handler: (ctx) => {
      const s = requireStorage(ctx);
      requirePriv(ctx, `/storage/${s.storage}`, ...AUDIT);
      if (!enabledOn(s, ctx.params.node)) throw failure(`storage '${s.storage}' is not available on node '${ctx.params.node}'`);
      const { storage: _id, ...rest } = storageStatus(s, ctx.params.node);
      return rest;
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/storage/{storage}/content",
    params: { allowed: ["content", "vmid"], integers: ["vmid"] },
    handler: (ctx) => {
      const s = requireStorage(ctx);
      requirePriv(ctx, `/storage/${s.storage}`, ...AUDIT);
      requireOnline(ctx, s);
      const { content, vmid } = ctx.args;
      const key = `content|${s.storage}|${s.shared ? "" : ctx.params.node}|${content ?? ""}|${vmid ?? ""}`;
      return new Raw(
        ctx.cluster.cached(key, () => {
          let items = ctx.history.content(s, ctx.params.node) as { content: string; vmid?: number }[];
          if (content) items = items.filter((i) => i.content === content);
          if (vmid) items = items.filter((i) => i.vmid === Number(vmid));
          return envelope(items);
        }),
      );
    },
  },
];
