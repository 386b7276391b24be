/**
 * zod schemas for the PVE responses the poller reads (the `data` member of the envelope).
 * They follow the real API, not Pulse's guesses: Perl emits numbers as strings when they
 * come from config files (`loadavg`, `cpuinfo.mhz`, LXC `cpus:"1.5"`), booleans as 0/1,
 * and omits metric keys for stopped guests, offline nodes or missing privileges.
 * Unknown keys are ignored; one malformed list item is dropped, not the whole list.
 */
import { z } from "zod";

// ---- tolerant scalars -------------------------------------------------------------------

function toNumber(v: unknown): number {
  if (typeof v === "number") return Number.isFinite(v) ? v : 0;
  if (typeof v === "string") {
    const n = Number.parseFloat(v);
    return Number.isFinite(n) ? n : 0;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  return 0;
}

/** number, numeric string, missing or null → number (0 when absent or unparsable) */
export const num = z.unknown().optional().transform(toNumber);

/** like `num` but keeps "absent" distinguishable */
export const optNum = z.unknown().optional().transform((v) => (v === undefined || v === null || v === "" ? undefined : toNumber(v)));

/** 0/1, "0"/"1", true/false → boolean; absent → `dflt` */
export const bool01 = (dflt = false) =>
  z.unknown().optional().transform((v) => {
    if (v === undefined || v === null || v === "") return dflt;
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    if (typeof v === "string") return v === "1" || v.toLowerCase() === "true";
    return dflt;
  });

/** any scalar → string; absent → undefined */
export const optStr = z.unknown().optional().transform((v) => (v === undefined || v === null ? undefined : typeof v === "string" ? v : typeof v === "object" ? undefined : String(v)));

/** any scalar → string; absent → "" */
export const str = optStr.transform((v) => v ?? "");

/** A vmid must be present; PVE sends an int, some list calls a string. */
const vmid = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(Number);

/** Array whose individually malformed items are dropped (the rest of the cluster still shows). */
export function lenientArray<T extends z.ZodType>(item: T) {
  return z.array(z.unknown()).transform((items) => {
    const out: z.output<T>[] = [];
    for (const raw of items) {
      const r = item.safeParse(raw);
      if (r.success) out.push(r.data);
    }
    return out;
  });
}

/** `null` where PVE sends no list (e.g. an empty config) → [] */
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .union([z.null(), lenientArray(item)])
    .optional()
    .transform((v): z.output<T>[] => v ?? []);

// ---- /version, /access/ticket -------------------------------------------------------------

export const VersionSchema = z.object({ version: z.string(), release: optStr, repoid: optStr });
export type PveVersion = z.output<typeof VersionSchema>;

export const TicketSchema = z.object({
  ticket: z.string().min(1),
  CSRFPreventionToken: z.string().min(1),
  username: optStr,
  clustername: optStr,
});
export type PveTicket = z.output<typeof TicketSchema>;

// ---- nodes ----------------------------------------------------------------------------------

export const NodeListEntrySchema = z.object({
  node: z.string().min(1),
  status: str.transform((s) => s || "unknown"),
  cpu: num,
  maxcpu: num,
  mem: num,
  maxmem: num,
  disk: num,
  maxdisk: num,
  uptime: num,
  level: optStr,
  ssl_fingerprint: optStr,
});
export type PveNodeListEntry = z.output<typeof NodeListEntrySchema>;
export const NodeListSchema = listOf(NodeListEntrySchema);

const MemorySchema = z
  .object({ total: num, used: num, free: num, available: optNum })
  .optional()
  .transform((m) => m ?? { total: 0, used: 0, free: 0, available: undefined });

export const NodeStatusSchema = z.object({
  cpu: num,
  wait: num,
  uptime: num,
  loadavg: z
    .array(z.unknown())
    .optional()
    .transform((a) => (a ?? []).map(toNumber)),
  cpuinfo: z
    .object({ model: str, sockets: num, cores: num, cpus: num, mhz: str })
    .optional()
    .transform((c) => c ?? { model: "", sockets: 0, cores: 0, cpus: 0, mhz: "" }),
  memory: MemorySchema,
  swap: z
    .object({ total: num, used: num, free: num })
    .optional()
    .transform((s) => s ?? { total: 0, used: 0, free: 0 }),
  rootfs: z
    .object({ total: num, used: num, avail: num, free: num })
    .optional()
    .transform((r) => r ?? { total: 0, used: 0, avail: 0, free: 0 }),
  kversion: optStr,
  "current-kernel": z.object({ release: optStr }).optional(),
  pveversion: optStr,
});
export type PveNodeStatus = z.output<typeof NodeStatusSchema>;

// ---- cluster ----------------------------------------------------------------------------------

export const ClusterStatusEntrySchema = z.object({
  type: z.string(),
  id: optStr,
  name: str,
  ip: optStr,
  nodeid: num,
  nodes: num,
  online: bool01(),
  local: bool01(),
  quorate: bool01(),
  version: num,
});
export type PveClusterStatusEntry = z.output<typeof ClusterStatusEntrySchema>;
export const ClusterStatusSchema = listOf(ClusterStatusEntrySchema);

export const ClusterVmResourceSchema = z.object({
  id: str,
  vmid,
  type: z.string(),
  node: z.string().min(1),
  status: str.transform((s) => s || "unknown"),
  name: optStr,
  template: bool01(),
  uptime: num,
  /** fractional for LXC with `cpulimit` (Pulse's int decode fails on it) */
  maxcpu: num,
  cpu: num,
  maxmem: num,
  mem: num,
  maxdisk: num,
  disk: num,
  netin: num,
  netout: num,
  diskread: num,
  diskwrite: num,
  tags: optStr,
  lock: optStr,
  pool: optStr,
  hastate: optStr,
});
export type PveClusterVmResource = z.output<typeof ClusterVmResourceSchema>;
/** `?type=vm` returns qemu and lxc entries; anything else is dropped here */
export const ClusterVmResourcesSchema = listOf(ClusterVmResourceSchema).transform((list) =>
  list.filter((r) => r.type === "qemu" || r.type === "lxc"),
);

// ---- qemu ---------------------------------------------------------------------------------

/** `agent` is `1` or absent on real PVE; Pulse also accepted `{enabled:1}` and strings like "1,fstrim_cloned_disks=1". */
const agentFlag = z.unknown().optional().transform((v) => {
  if (v === undefined || v === null) return 0;
  if (typeof v === "object") return toNumber((v as { enabled?: unknown }).enabled);
  if (typeof v === "string") return toNumber(v.split(",")[0].replace(/^enabled=/, ""));
  return toNumber(v);
});

export const QemuStatusSchema = z.object({
  status: str,
  qmpstatus: optStr,
  name: optStr,
  cpu: num,
  cpus: num,
  maxmem: num,
  mem: num,
  freemem: optNum,
  balloon: optNum,
  balloon_min: optNum,
  maxdisk: num,
  disk: num,
  diskread: num,
  diskwrite: num,
  netin: num,
  netout: num,
  uptime: num,
  agent: agentFlag,
  lock: optStr,
  tags: optStr,
});
export type PveQemuStatus = z.output<typeof QemuStatusSchema>;

const agentResult = <T extends z.ZodType>(result: T) =>
  z.object({ result }).transform((o) => (o as unknown as { result: z.output<T> }).result);

export const AgentFsInfoEntrySchema = z.object({
  name: str,
  mountpoint: str,
  type: str,
  "total-bytes": optNum,
  "used-bytes": optNum,
  disk: z
    .array(z.object({ dev: optStr, serial: optStr, "bus-type": optStr }))
    .optional()
    .transform((d) => d ?? []),
});
export type PveAgentFsInfoEntry = z.output<typeof AgentFsInfoEntrySchema>;
export const AgentFsInfoSchema = agentResult(listOf(AgentFsInfoEntrySchema));

export const AgentNetworkInterfaceSchema = z.object({
  name: str,
  "hardware-address": optStr,
  "ip-addresses": listOf(z.object({ "ip-address": z.string(), "ip-address-type": optStr, prefix: num })),
  statistics: z
    .object({ "rx-bytes": num, "tx-bytes": num })
    .optional()
    .transform((s) => s ?? { "rx-bytes": 0, "tx-bytes": 0 }),
});
export type PveAgentNetworkInterface = z.output<typeof AgentNetworkInterfaceSchema>;
export const AgentNetworkInterfacesSchema = agentResult(listOf(AgentNetworkInterfaceSchema));

export const AgentOsInfoSchema = agentResult(
  z.object({ id: optStr, name: optStr, "pretty-name": optStr, version: optStr, "version-id": optStr, "kernel-release": optStr }),
);
export type PveAgentOsInfo = z.output<typeof AgentOsInfoSchema>;

export const AgentInfoSchema = agentResult(z.object({ version: optStr }));
export type PveAgentInfo = z.output<typeof AgentInfoSchema>;

// ---- lxc ---------------------------------------------------------------------------------

/** Raw config keys; values are strings or numbers (`net0: "name=eth0,…,ip=10.0.0.5/24"`). */
export const LxcConfigSchema = z
  .union([z.null(), z.record(z.string(), z.unknown())])
  .transform((c) => {
    const out: Record<string, string> = {};
    if (!c) return out;
    for (const [k, v] of Object.entries(c)) if (v !== null && v !== undefined && typeof v !== "object") out[k] = String(v);
    return out;
  });
export type PveLxcConfig = z.output<typeof LxcConfigSchema>;

export const LxcInterfaceSchema = z.object({
  name: str,
  hwaddr: optStr,
  inet: optStr,
  inet6: optStr,
  "ip-addresses": listOf(z.object({ "ip-address": z.string(), "ip-address-type": optStr, prefix: num })),
});
export type PveLxcInterface = z.output<typeof LxcInterfaceSchema>;
export const LxcInterfacesSchema = listOf(LxcInterfaceSchema);

// ---- storage ---------------------------------------------------------------------------------

export const NodeStorageEntrySchema = z.object({
  storage: z.string().min(1),
  type: str,
  content: str,
  shared: bool01(),
  enabled: bool01(true),
  active: bool01(),
  total: num,
  used: num,
  avail: num,
  used_fraction: optNum,
});
export type PveNodeStorageEntry = z.output<typeof NodeStorageEntrySchema>;
export const NodeStorageSchema = listOf(NodeStorageEntrySchema);

export const StorageConfigEntrySchema = z.object({
  storage: z.string().min(1),
  type: str,
  content: str,
  shared: bool01(),
  disable: bool01(),
  path: optStr,
  /** comma list of node names the storage is restricted to; absent = all nodes */
  nodes: optStr.transform((n) =>
    n
      ? n
          .split(/[\s,;]+/)
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
  ),
});
export type PveStorageConfigEntry = z.output<typeof StorageConfigEntrySchema>;
export const StorageConfigSchema = listOf(StorageConfigEntrySchema);

/** For calls whose answer is not read (e.g. POSTs that return a UPID or null). */
export const AnySchema = z.unknown();
