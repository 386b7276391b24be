/**
 * One VM per cycle: `status/current` for running VMs, guest-agent filesystems every cycle,
 * agent network/OS/version metadata cached for 5 minutes (pve-api §2.1, §6.3, §6.4).
 */
import type { PveError, PveResult } from "../proxmox/errors";
import type { PveAgentFsInfoEntry, PveClusterVmResource, PveQemuStatus } from "../proxmox/schemas";
import type { DiskStatusReason, DiskUsage, GuestNetworkInterface, VM } from "../state/models";
import { summarizeFilesystems } from "./agent-filesystems";
import { guestId, jitterMs, type GuestContext } from "./guest-context";
import { fromAgentInterfaces, normalizeTags } from "./guest-network";
import { ZERO_RATES, type IoRates } from "./rate-tracker";
import { allocatedOnlyDisk, memoryUsage } from "./usage";

const METADATA_TTL_MS = 5 * 60_000;
const METADATA_JITTER_MS = 45_000;
/** after an agent timeout, do not spend 2 × 15 s on this guest every cycle */
const FSINFO_TIMEOUT_BACKOFF_MS = 60_000;
const OSINFO_MAX_FAILURES = 3;

interface AgentMetadata {
  expiresAt: number;
  ipAddresses?: string[];
  networkInterfaces?: GuestNetworkInterface[];
  osName?: string;
  osVersion?: string;
  agentVersion?: string;
  osInfoFailures: number;
}

type DiskResult = { disk: DiskUsage; disks?: DiskUsage[]; reason?: DiskStatusReason };

/** Why the agent could not tell the disk usage (Pulse's diskStatusReason). */
export function agentErrorReason(error: PveError): DiskStatusReason {
  const msg = error.message.toLowerCase();
  if (error.kind === "permission_denied") return "permission-denied";
  if (msg.includes("no qemu guest agent configured")) return "agent-disabled";
  if (msg.includes("not running")) return "agent-not-running";
  if (error.kind === "timeout" || msg.includes("got timeout") || msg.includes("timed out")) return "agent-timeout";
  return "agent-error";
}

function isAgentTimeout(r: PveResult<unknown>): boolean {
  return !r.ok && agentErrorReason(r.error) === "agent-timeout";
}

export class QemuGuestCollector {
  private readonly metadata = new Map<string, AgentMetadata>();
  private readonly fsBackoff = new Map<string, number>();

  /** Builds the VM; never rejects. */
  async collect(ctx: GuestContext, res: PveClusterVmResource): Promise<VM> {
    const id = guestId(ctx.instance, res.node, res.vmid);
    if (res.status !== "running") return buildVm(ctx, id, res, undefined, { disk: allocatedOnlyDisk(res.maxdisk), reason: "vm-stopped" }, undefined);

    const status = await ctx.limit(() => ctx.api.getQemuStatus(res.node, res.vmid, { signal: ctx.signal }));
    if (!status.ok) return buildVm(ctx, id, res, undefined, { disk: allocatedOnlyDisk(res.maxdisk), reason: "no-status" }, this.metadata.get(id));
    if (status.data.agent <= 0) {
      this.metadata.delete(id);
      return buildVm(ctx, id, res, status.data, { disk: allocatedOnlyDisk(res.maxdisk), reason: "agent-disabled" }, undefined);
    }
    const disk = await this.filesystems(ctx, id, res);
    if (!disk.reason || disk.reason === "no-filesystems" || disk.reason === "special-filesystems-only") await this.refreshMetadata(ctx, id, res);
    return buildVm(ctx, id, res, status.data, disk, this.metadata.get(id));
  }

  /** Drop caches of guests that no longer exist. */
  retain(liveIds: ReadonlySet<string>): void {
    for (const id of this.metadata.keys()) if (!liveIds.has(id)) this.metadata.delete(id);
    for (const id of this.fsBackoff.keys()) if (!liveIds.has(id)) this.fsBackoff.delete(id);
  }

  private async filesystems(ctx: GuestContext, id: string, res: PveClusterVmResource): Promise<DiskResult> {
    const allocated = allocatedOnlyDisk(res.maxdisk);
    const until = this.fsBackoff.get(id);
    if (until !== undefined && ctx.now() < until) return { disk: allocated, reason: "agent-timeout" };
    const call = () => ctx.limit(() => ctx.api.getAgentFsInfo(res.node, res.vmid, { signal: ctx.signal }));
    let fs: PveResult<PveAgentFsInfoEntry[]> = await call();
    if (isAgentTimeout(fs) && !ctx.signal.aborted) fs = await call();
    if (!fs.ok) {
      const reason = agentErrorReason(fs.error);
      if (reason === "agent-timeout") this.fsBackoff.set(id, ctx.now() + FSINFO_TIMEOUT_BACKOFF_MS);
      return { disk: allocated, reason };
    }
    this.fsBackoff.delete(id);
    const summary = summarizeFilesystems(fs.data);
    return summary.ok ? { disk: summary.disk, disks: summary.disks } : { disk: allocated, reason: summary.reason };
  }

  private async refreshMetadata(ctx: GuestContext, id: string, res: PveClusterVmResource): Promise<void> {
    const now = ctx.now();
    const cached = this.metadata.get(id);
    if (cached && now < cached.expiresAt) return;
    const meta: AgentMetadata = cached ?? { expiresAt: 0, osInfoFailures: 0 };
    const opts = { signal: ctx.signal };
    const [net, os, info] = await Promise.all([
      ctx.limit(() => ctx.api.getAgentNetworkInterfaces(res.node, res.vmid, opts)),
      meta.osInfoFailures < OSINFO_MAX_FAILURES ? ctx.limit(() => ctx.api.getAgentOsInfo(res.node, res.vmid, opts)) : undefined,
      ctx.limit(() => ctx.api.getAgentInfo(res.node, res.vmid, opts)),
    ]);
    if (net.ok) Object.assign(meta, fromAgentInterfaces(net.data));
    if (os?.ok) {
      meta.osName = os.data.name ?? os.data["pretty-name"] ?? os.data.id;
      meta.osVersion = os.data.version ?? os.data["version-id"];
      meta.osInfoFailures = 0;
    } else if (os) {
      meta.osInfoFailures++;
    }
    if (info.ok && info.data.version) meta.agentVersion = info.data.version;
    meta.expiresAt = now + METADATA_TTL_MS + jitterMs(res.vmid, METADATA_JITTER_MS);
    this.metadata.set(id, meta);
  }
}

/**
 * Memory (pve-api §6.3): total `maxmem`; used `maxmem − freemem` when the balloon driver
 * reports free memory, else PVE's `mem`. Counters come from status/current when it answered.
 */
export function buildVm(
  ctx: Pick<GuestContext, "instance" | "now" | "rates">,
  id: string,
  res: PveClusterVmResource,
  status: PveQemuStatus | undefined,
  disk: DiskResult,
  meta: AgentMetadata | undefined,
): VM {
  const running = res.status === "running";
  let state = res.status;
  if (running && status?.qmpstatus && status.qmpstatus !== "running") state = status.qmpstatus;
  const active = state === "running";

  const src = status ?? res;
  const rates: IoRates = ctx.rates(id, src);

  let total = res.maxmem;
  let used = res.mem;
  if (status) {
    total = status.maxmem || res.maxmem;
    used = status.freemem !== undefined && status.freemem > 0 ? total - status.freemem : status.mem || res.mem;
  }
  const memory = memoryUsage(total, active ? used : 0, active ? status?.balloon : undefined);

  const vm: VM = {
    id,
    vmid: res.vmid,
    name: res.name ?? status?.name ?? String(res.vmid),
    node: res.node,
    instance: ctx.instance,
    status: state,
    type: "qemu",
    cpu: active ? (status?.cpu ?? res.cpu) : 0,
    cpus: status?.cpus || res.maxcpu,
    memory,
    mem: memory.used,
    maxmem: memory.total,
    disk: disk.disk,
    networkIn: active ? rates.networkIn : 0,
    networkOut: active ? rates.networkOut : 0,
    diskRead: active ? rates.diskRead : 0,
    diskWrite: active ? rates.diskWrite : 0,
    uptime: running ? (status?.uptime ?? res.uptime) : 0,
    template: false,
    lastSeen: ctx.now(),
  };
  if (disk.disks) vm.disks = disk.disks;
  if (disk.reason) vm.diskStatusReason = disk.reason;
  const tags = normalizeTags(res.tags ?? status?.tags);
  if (tags) vm.tags = tags;
  const lock = res.lock ?? status?.lock;
  if (lock) vm.lock = lock;
  if (running && meta) {
    if (meta.ipAddresses?.length) vm.ipAddresses = meta.ipAddresses;
    if (meta.networkInterfaces?.length) vm.networkInterfaces = meta.networkInterfaces;
    if (meta.osName) vm.osName = meta.osName;
    if (meta.osVersion) vm.osVersion = meta.osVersion;
    if (meta.agentVersion) vm.agentVersion = meta.agentVersion;
  }
  return vm;
}

/** A VM from `/cluster/resources` alone (node unreachable, or cycle deadline passed). */
export function vmFromResource(ctx: Pick<GuestContext, "instance" | "now">, res: PveClusterVmResource): VM {
  const vm = buildVm({ ...ctx, rates: () => ZERO_RATES }, guestId(ctx.instance, res.node, res.vmid), res, undefined, {
    disk: allocatedOnlyDisk(res.maxdisk),
    reason: res.status === "running" ? "no-status" : "vm-stopped",
  }, undefined);
  return vm;
}
