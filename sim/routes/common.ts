/** Checks shared by the route handlers (permissions, guest lookup) in PVE's wording. */
import { failure, permissionDenied } from "../http";
import type { GuestType, SimGuest } from "../model";
import type { RouteContext } from "../router";

export function requirePriv(ctx: RouteContext, path: string, ...privs: string[]): void {
  if (!privs.some((p) => ctx.principal.can(path, p))) throw permissionDenied(path, privs.join("|"));
}

/** The guest named by {node}/{vmid}; PVE looks up the config file on that node only. */
export function requireGuest(ctx: RouteContext, type: GuestType): SimGuest {
  const vmid = Number(ctx.params.vmid);
  const g = ctx.cluster.guest(vmid);
  if (!g || g.type !== type || g.node !== ctx.params.node) {
    const dir = type === "qemu" ? "qemu-server" : "lxc";
    throw failure(`Configuration file 'nodes/${ctx.params.node}/${dir}/${vmid}.conf' does not exist`);
  }
  return g;
}

export function requireQuorum(ctx: RouteContext): void {
  if (ctx.cluster.clusterName !== null && !ctx.cluster.quorate()) throw failure("cluster not ready - no quorum?");
}

export const vmPath = (vmid: number | string) => `/vms/${vmid}`;
export const nodePath = (node: string) => `/nodes/${node}`;

/** Directory listings (`GET /nodes/{node}` etc.) are `[{name|subdir: …}]`. */
export const dirIndex = (key: "name" | "subdir", names: string[]) => names.map((n) => ({ [key]: n }));
