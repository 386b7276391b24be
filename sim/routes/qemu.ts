/** /nodes/{node}/qemu…: VM list, status, config, snapshots, rrd. */
import { failure } from "../http";
import { guestQemuConfig } from "./agent";
import { guestRrd } from "../rrd";
import { truthy, type Route } from "../router";
import { qemuCurrent, qemuStatus } from "../vmstatus";
import { snapshotList } from "../guest-config";
import { dirIndex, requireGuest, requirePriv, vmPath } from "./common";

export const qemuRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/nodes/{node}/qemu",
    params: { allowed: ["full"], booleans: ["full"] },
    handler: (ctx) => {
      const full = truthy(ctx.args.full);
      return ctx.cluster
        .guestsOn(ctx.params.node)
        .filter((g) => g.type === "qemu" && ctx.principal.can(vmPath(g.vmid), "VM.Audit"))
        .map((g) => qemuStatus(ctx.cluster, g, full));
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/qemu/{vmid}",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      requireGuest(ctx, "qemu");
      return dirIndex("subdir", ["config", "pending", "status", "unlink", "vncproxy", "termproxy", "migrate", "resize", "move", "rrd", "rrddata", "monitor", "agent", "snapshot", "spiceproxy", "sendkey", "firewall", "mtunnel", "remote_migrate"]);
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/qemu/{vmid}/status/current",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      const g = requireGuest(ctx, "qemu");
      return qemuCurrent(ctx.cluster, g, g.agent.configured && ctx.faults.agent(g.vmid)?.mode !== "disabled");
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/qemu/{vmid}/config",
    params: { allowed: ["current", "snapshot"], booleans: ["current"] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      const g = requireGuest(ctx, "qemu");
      if (ctx.args.snapshot && !g.snapshots.some((s) => s.name === ctx.args.snapshot)) throw failure(`snapshot '${ctx.args.snapshot}' does not exist`);
      return guestQemuConfig(ctx, g);
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/qemu/{vmid}/snapshot",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      return snapshotList(requireGuest(ctx, "qemu"));
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/qemu/{vmid}/rrddata",
    params: { allowed: ["timeframe", "cf"], required: ["timeframe"], enums: { timeframe: ["hour", "day", "week", "month", "year"], cf: ["AVERAGE", "MAX"] } },
    handler: (ctx) => {
      requirePriv(ctx, vmPath(ctx.params.vmid), "VM.Audit");
      return guestRrd(ctx.cluster, requireGuest(ctx, "qemu"), ctx.args.timeframe);
    },
  },
];
