/** POST …/status/{action}: guest power management, recorded as a task like the real worker. */
import { failure } from "../http";
import type { GuestType } from "../model";
import type { Route, RouteContext } from "../router";
import { requireGuest, requirePriv, requireQuorum, vmPath } from "./common";

const ACTIONS: Record<GuestType, string[]> = {
  qemu: ["start", "stop", "shutdown", "reboot", "suspend", "resume"],
  lxc: ["start", "stop", "shutdown", "reboot"],
};

function act(ctx: RouteContext, type: GuestType): string {
  const action = ctx.params.action;
  requirePriv(ctx, vmPath(ctx.params.vmid), "VM.PowerMgmt");
  const g = requireGuest(ctx, type);
  if (!ACTIONS[type].includes(action)) throw failure(`unknown action '${action}'`);
  requireQuorum(ctx);
  const label = type === "qemu" ? `VM ${g.vmid}` : `CT ${g.vmid}`;
  if (g.template && action === "start") throw failure(`you can't start a ${type === "qemu" ? "vm" : "container"} if it's a template`);
  if (g.lock && action !== "stop") throw failure(`${label} is locked (${g.lock})`);
  const running = g.status !== "stopped";
  const c = ctx.cluster;
  switch (action) {
    case "start":
      if (running) throw failure(`${label} already running`);
      c.setGuestStatus(g.vmid, "running");
      break;
    case "stop":
    case "shutdown":
      if (running) c.setGuestStatus(g.vmid, "stopped");
      break;
    case "reboot":
      if (!running) throw failure(`${label} not running`);
      c.restartGuest(g.vmid);
      break;
    case "suspend":
      if (!running) throw failure(`${label} not running`);
      c.setGuestStatus(g.vmid, "paused");
      break;
    case "resume":
      if (!running) throw failure(`${label} not running`);
      c.setGuestStatus(g.vmid, "running");
      break;
  }
  const prefix = type === "qemu" ? "qm" : "vz";
  return ctx.history.addTask(g.node, `${prefix}${action}`, String(g.vmid), ctx.principal.userid, ctx.principal.tokenid).upid;
}

export const powerRoutes: Route[] = (["qemu", "lxc"] as const).map((type) => ({
  method: "POST" as const,
  pattern: `/nodes/{node}/${type}/{vmid}/status/{action}`,
  params: { allowed: ["skiplock", "timeout", "forceStop", "keepActive", "overrule-shutdown", "stateuri", "migratedfrom", "migration_type", "migration_network", "machine", "targetstorage", "todisk", "statestorage", "nocheck"] },
  handler: (ctx: RouteContext) => act(ctx, type),
}));
