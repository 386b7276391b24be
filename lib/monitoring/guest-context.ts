/** What the per-guest collectors need from the running poll cycle. */
import type { PveApi } from "../proxmox/api";
import type { PveResult } from "../proxmox/errors";
import type { IoRates } from "./rate-tracker";

export interface GuestContext {
  api: PveApi;
  instance: string;
  signal: AbortSignal;
  now(): number;
  /** run a PVE call within the instance's request budget */
  limit<T>(task: () => Promise<PveResult<T>>): Promise<PveResult<T>>;
  /** record counters and get rates (zeros for non-running guests are applied by the caller) */
  rates(id: string, counters: { diskread: number; diskwrite: number; netin: number; netout: number }): IoRates;
}

export function guestId(instance: string, node: string, vmid: number): string {
  return `${instance}:${node}:${vmid}`;
}

/** Deterministic spread of cache expiries so 3,000 guests do not refresh in the same cycle. */
export function jitterMs(vmid: number, spanMs: number): number {
  return (((Math.imul(vmid, 2654435761) >>> 0) % 1000) / 1000) * spanMs;
}
