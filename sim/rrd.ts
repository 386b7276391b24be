/** Synthetic `rrddata` series: ~70 averaged points around the current values (rates, not counters). */
import type { Cluster } from "./cluster";
import type { SimGuest, SimNode } from "./model";
import { hash32 } from "./random";
import { qemuMemory } from "./vmstatus";

/** Step in seconds per timeframe, as pmxcfs' RRAs resolve them. */
export const RRD_STEPS: Record<string, number> = { hour: 60, day: 1800, week: 10800, month: 43200, year: 604800, decade: 6048000 };
const POINTS = 70;

/** Deterministic wobble in [1 - amp, 1 + amp] for a series at a point in time. */
function wobble(seed: number, t: number, amp: number): number {
  const x = Math.sin(seed * 0.001 + t / 2300) * 0.6 + Math.sin(seed * 0.007 + t / 517) * 0.4;
  return 1 + x * amp;
}

function timeline(c: Cluster, timeframe: string): number[] {
  const step = RRD_STEPS[timeframe] ?? 60;
  const last = Math.floor(c.nowSec() / step) * step;
  return Array.from({ length: POINTS }, (_, i) => last - (POINTS - 1 - i) * step);
}

export function nodeRrd(c: Cluster, n: SimNode, timeframe: string): object[] {
  const seed = hash32(n.name);
  let netRate = 0;
  for (const g of c.guestsOn(n.name)) if (g.status === "running") netRate += g.rates.netin + g.rates.netout;
  return timeline(c, timeframe).map((time) => {
    const w = wobble(seed, time, 0.25);
    const p: Record<string, number> = {
      time,
      cpu: Math.min(1, n.cpu * w),
      iowait: n.wait * w,
      loadavg: n.load[0] * w,
      maxcpu: n.threads,
      memtotal: n.maxmem,
      memused: Math.min(n.maxmem, n.memUsed * wobble(seed + 1, time, 0.05)),
      swaptotal: n.swapTotal,
      swapused: n.swapUsed,
      roottotal: n.rootTotal,
      rootused: n.rootUsed,
      netin: (netRate / 2) * w,
      netout: (netRate / 2) * wobble(seed + 2, time, 0.25),
    };
    if (c.pveVersion >= 9) {
      p.memavailable = n.maxmem - p.memused;
      p.arcsize = n.baseMem * 0.5;
      p.pressurecpusome = p.cpu > 0.5 ? (p.cpu - 0.5) * 20 : 0;
      p.pressureiosome = 0.02;
      p.pressurememorysome = 0;
    }
    return p;
  });
}

export function guestRrd(c: Cluster, g: SimGuest, timeframe: string): object[] {
  const seed = g.vmid * 7919;
  const running = g.status !== "stopped";
  const mem = g.type === "qemu" ? qemuMemory(g).mem : g.mem;
  return timeline(c, timeframe).map((time) => {
    const w = running ? wobble(seed, time, 0.3) : 0;
    const p: Record<string, number> = {
      time,
      cpu: Math.min(1, g.cpu * w),
      maxcpu: g.maxcpu,
      mem: mem * (running ? wobble(seed + 1, time, 0.05) : 0),
      maxmem: g.maxmem,
      disk: g.type === "lxc" ? g.disk : 0,
      maxdisk: g.maxdisk,
      netin: g.rates.netin * w,
      netout: g.rates.netout * w,
      diskread: g.rates.diskread * w,
      diskwrite: g.rates.diskwrite * w,
    };
    if (c.pveVersion >= 9) {
      if (g.type === "qemu") p.memhost = g.memhost;
      p.pressurecpusome = 0;
      p.pressureiosome = 0;
      p.pressurememorysome = 0;
    }
    return p;
  });
}
