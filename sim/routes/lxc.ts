/** /nodes/{node}/lxc…: container list, status, config, interfaces, snapshots, rrd. */
import { failure } from "../http";
import { linkLocal } from "../guest-agent";
import { lxcConfig, snapshotList } from "../guest-config";
import { guestRrd } from "../rrd";
import type { Route } from "../router";
import { lxcCurrent, lxcStatus } from "../vmstatus";
import { dirIndex, requireGuest, requirePriv, vmPath } from "./common";

export const lxcRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/nodes/{node}/lxc",
    params: { allowed: [] },
    handler: (ctx) =>
      ctx.cluster
        .guestsOn(ctx.params.node)
        .filter((g) => g.type === "lxc" && ctx.principal.can(vmPath(g.vmid), "VM.Audit"))
        .map((g) => lxcStatus(ctx.cluster, g)),
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/lxc/{vmid}",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      requireGuest(ctx, "lxc");
      return dirIndex("subdir", ["config", "pending", "status", "vncproxy", "termproxy", "vncwebsocket", "spiceproxy", "migrate", "clone", "snapshot", "firewall", "rrd", "rrddata", "feature", "template", "resize", "move_volume", "interfaces", "mtunnel", "remote_migrate"]);
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/lxc/{vmid}/status/current",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      return lxcCurrent(ctx.cluster, requireGuest(ctx, "lxc"));
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/lxc/{vmid}/config",
    params: { allowed: ["current", "snapshot"], booleans: ["current"] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      const g = requireGuest(ctx, "lxc");
      if (ctx.args.snapshot && !g.snapshots.some((s) => s.name === ctx.args.snapshot)) throw failure(`snapshot '${ctx.args.snapshot}' does not exist`);
      return lxcConfig(g);
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/lxc/{vmid}/interfaces",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      const g = requireGuest(ctx, "lxc");
      if (g.status === "stopped") throw failure(`CT ${g.vmid} not running`);
      return [
        { name: "lo", hwaddr: "00:00:00:00:00:00", inet: "127.0.0.1/8", inet6: "::1/128" },
        { name: "eth0", hwaddr: g.mac.toLowerCase(), inet: `${g.ip}/24`, inet6: `${linkLocal(g.mac)}/64` },
      ];
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/lxc/{vmid}/snapshot",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      return snapshotList(requireGuest(ctx, "lxc"));
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/lxc/{vmid}/rrddata",
    params: { allowed: ["timeframe", "cf"], required: ["timeframe"], enums: { timeframe: ["hour", "day", "week", "month", "year"], cf: ["AVERAGE", "MAX"] } },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      return guestRrd(ctx.cluster, requireGuest(ctx, "lxc"), ctx.args.timeframe);
    },
  },
];
