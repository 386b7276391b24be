/**
 * Guest status objects as qemu-server (`vmstatus`) and pve-container emit them, and the guest
 * entries of /cluster/resources (pvestatd data via pmxcfs).
 */
import type { Cluster } from "./cluster";
import { VERSIONS } from "./cluster";
import type { SimGuest } from "./model";

type Obj = Record<string, unknown>;
const MiB = 1024 ** 2;

/** Guest-view memory when the balloon driver reports stats, otherwise the host view. */
export function qemuMemory(g: SimGuest): { mem: number; totalMem?: number; freeMem?: number } {
  if (g.status === "stopped") return { mem: 0 };
  if (!g.balloon) return { mem: g.memhost };
  const totalMem = Math.round(g.maxmem * 0.965);
  const mem = Math.min(g.mem, totalMem - 64 * MiB);
  return { mem, totalMem, freeMem: totalMem - mem };
}

/** LXC `cpus`: cores, else cpulimit as the config string (a JSON string such as "1.5"). */
export function lxcCpus(g: SimGuest): number | string {
  return g.cores > 0 ? g.cores : (g.cpulimit ?? g.maxcpu);
}

function pressure(g: SimGuest, out: Obj): void {
  const busy = g.cpu > 0.5 ? g.cpu - 0.5 : 0;
  out.pressurecpusome = Math.round(busy * 2000) / 100;
  out.pressurecpufull = Math.round(busy * 500) / 100;
  out.pressureiosome = 0.01;
  out.pressureiofull = 0;
  out.pressurememorysome = 0;
  out.pressurememoryfull = 0;
}

function optional(g: SimGuest, out: Obj): void {
  if (g.template) out.template = 1;
  if (g.lock) out.lock = g.lock;
  if (g.tags) out.tags = g.tags;
}

/** `GET /nodes/{node}/qemu` entry, or with `full` the basis of status/current. */
export function qemuStatus(c: Cluster, g: SimGuest, full: boolean): Obj {
  const running = g.status !== "stopped";
  const m = qemuMemory(g);
  const out: Obj = { vmid: g.vmid, name: g.name, status: running ? "running" : "stopped" };
  if (full) out.qmpstatus = g.status;
  if (running) out.pid = g.pid;
  out.uptime = g.uptime;
  out.cpus = g.maxcpu;
  out.cpu = running ? g.cpu : 0;
  out.maxmem = g.maxmem;
  out.mem = m.mem;
  if (c.pveVersion >= 9) out.memhost = running ? g.memhost : 0;
  if (g.balloon) {
    out.balloon_min = g.balloon.min;
    out.shares = 1000;
  }
  out.maxdisk = g.maxdisk;
  out.disk = 0;
  out.netin = g.counters.netin;
  out.netout = g.counters.netout;
  if (full && running) {
    out.diskread = g.counters.diskread;
    out.diskwrite = g.counters.diskwrite;
    if (g.balloon && m.totalMem !== undefined) {
      out.freemem = m.freeMem;
      out.balloon = g.maxmem;
      out.ballooninfo = {
        actual: g.maxmem,
        max_mem: g.maxmem,
        total_mem: m.totalMem,
        free_mem: m.freeMem,
        mem_swapped_in: 0,
        mem_swapped_out: 0,
        major_page_faults: Math.round(g.uptime / 300),
        minor_page_faults: Math.round(g.counters.diskread / 4096),
        last_update: c.nowSec(),
      };
    }
    out.nics = { [`tap${g.vmid}i0`]: { netin: g.counters.netin, netout: g.counters.netout } };
    out.blockstat = {
      scsi0: {
        rd_bytes: g.counters.diskread, wr_bytes: g.counters.diskwrite,
        rd_operations: Math.round(g.counters.diskread / 16384), wr_operations: Math.round(g.counters.diskwrite / 8192),
        flush_operations: Math.round(g.counters.diskwrite / 1048576), rd_total_time_ns: 0, wr_total_time_ns: 0,
        idle_time_ns: 1_200_000, failed_rd_operations: 0, failed_wr_operations: 0,
      },
    };
    const v = VERSIONS[c.pveVersion];
    out["running-machine"] = v.machine;
    out["running-qemu"] = v.qemu;
    out["proxmox-support"] = { "pbs-library-version": "1.4.1 (UNKNOWN)", "pbs-dirty-bitmap": true, "pbs-dirty-bitmap-migration": true, "query-bitmap-info": true, "backup-max-workers": true };
    if (c.pveVersion >= 9) pressure(g, out);
  }
  optional(g, out);
  return out;
}

/** `GET /nodes/{node}/qemu/{vmid}/status/current`. */
export function qemuCurrent(c: Cluster, g: SimGuest, agentConfigured: boolean): Obj {
  const out = qemuStatus(c, g, true);
  out.ha = g.hastate ? { managed: 1, state: g.hastate } : { managed: 0 };
  if (agentConfigured) out.agent = 1;
  return out;
}

/** `GET /nodes/{node}/lxc` entry and status/current basis. */
export function lxcStatus(c: Cluster, g: SimGuest): Obj {
  const running = g.status !== "stopped";
  const out: Obj = { vmid: g.vmid, type: "lxc", name: g.name, status: running ? "running" : "stopped" };
  if (running) out.pid = g.pid;
  out.uptime = g.uptime;
  out.cpus = lxcCpus(g);
  out.cpu = running ? g.cpu : 0;
  out.mem = running ? g.mem : 0;
  out.maxmem = g.maxmem;
  out.swap = running ? g.swap : 0;
  out.maxswap = g.maxswap;
  out.disk = running ? g.disk : 0;
  out.maxdisk = g.maxdisk;
  out.netin = g.counters.netin;
  out.netout = g.counters.netout;
  out.diskread = g.counters.diskread;
  out.diskwrite = g.counters.diskwrite;
  if (running && c.pveVersion >= 9) pressure(g, out);
  optional(g, out);
  return out;
}

export function lxcCurrent(c: Cluster, g: SimGuest): Obj {
  const out = lxcStatus(c, g);
  out.ha = g.hastate ? { managed: 1, state: g.hastate } : { managed: 0 };
  return out;
}

/** Config-derived keys pmxcfs keeps even without RRD data. */
function configProps(g: SimGuest, out: Obj): Obj {
  if (g.lock) out.lock = g.lock;
  if (g.tags) out.tags = g.tags;
  if (g.pool) out.pool = g.pool;
  if (g.hastate) out.hastate = g.hastate;
  return out;
}

/** One `/cluster/resources` guest entry; `stale` = node gone for longer than the RRD expiry. */
export function guestResource(c: Cluster, g: SimGuest, stale: boolean): Obj {
  const out: Obj = { id: `${g.type}/${g.vmid}`, vmid: g.vmid, type: g.type, node: g.node };
  if (stale) {
    out.status = "unknown";
    return configProps(g, out);
  }
  const running = g.status !== "stopped";
  const isQemu = g.type === "qemu";
  out.status = g.status;
  out.name = g.name;
  out.template = g.template ? 1 : 0;
  out.uptime = g.uptime;
  out.maxcpu = g.maxcpu;
  out.cpu = running && g.status === "running" ? g.cpu : 0;
  out.maxmem = g.maxmem;
  out.mem = isQemu ? qemuMemory(g).mem : running ? g.mem : 0;
  if (isQemu && c.pveVersion >= 9) out.memhost = running ? g.memhost : 0;
  out.maxdisk = g.maxdisk;
  out.disk = isQemu || !running ? 0 : g.disk;
  out.netin = g.counters.netin;
  out.netout = g.counters.netout;
  out.diskread = g.counters.diskread;
  out.diskwrite = g.counters.diskwrite;
  return configProps(g, out);
}
