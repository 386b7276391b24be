/** /nodes/{node}/qemu/{vmid}/agent/*: read-only guest agent commands and their failure modes. */
import { delay, failure } from "../http";
import { qemuConfig } from "../guest-config";
import { agentInfo, fsinfo, networkInterfaces, osInfo } from "../guest-agent";
import type { SimGuest } from "../model";
import type { Route, RouteContext } from "../router";
import { requireGuest, requirePriv, vmPath } from "./common";

const DEFAULT_TIMEOUT_MS = 10_000;

export function guestQemuConfig(ctx: RouteContext, g: SimGuest): Record<string, unknown> {
  return qemuConfig(ctx.cluster, g, g.agent.configured && ctx.faults.agent(g.vmid)?.mode !== "disabled");
}

/** The checks qemu-server runs before talking to qemu-ga (assert_agent_available, guest-ping). */
async function agentCall(ctx: RouteContext, command: string, answer: (g: SimGuest) => unknown): Promise<unknown> {
  // PVE 9 split guest-agent access out of VM.Monitor.
  requirePriv(ctx, vmPath(ctx.params.vmid), ctx.cluster.pveVersion >= 9 ? "VM.GuestAgent.Audit" : "VM.Monitor");
  const g = requireGuest(ctx, "qemu");
  const fault = ctx.faults.agent(g.vmid);
  if (!g.agent.configured || fault?.mode === "disabled") throw failure("No QEMU guest agent configured");
  if (g.status === "stopped") throw failure(`VM ${g.vmid} is not running`);
  if (!g.agent.running || fault?.mode === "not-running" || g.status !== "running") throw failure("QEMU guest agent is not running");
  if (fault?.mode === "timeout") {
    await delay(fault.delayMs ?? DEFAULT_TIMEOUT_MS);
    const kind = ctx.cluster.pveVersion >= 9 ? "qga" : "qmp";
    throw failure(`VM ${g.vmid} ${kind} command '${command}' failed - got timeout`);
  }
  return { result: answer(g) };
}

const agentRoute = (name: string, command: string, answer: (g: SimGuest) => unknown): Route => ({
  method: "GET",
  pattern: `/nodes/{node}/qemu/{vmid}/agent/${name}`,
  params: { allowed: [] },
  handler: (ctx) => agentCall(ctx, command, answer),
});

export const agentRoutes: Route[] = [
  agentRoute("get-fsinfo", "guest-get-fsinfo", fsinfo),
  agentRoute("network-get-interfaces", "guest-network-get-interfaces", networkInterfaces),
  agentRoute("get-osinfo", "guest-get-osinfo", osInfo),
  agentRoute("info", "guest-info", agentInfo),
];
