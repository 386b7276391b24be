/** In-memory shapes of the simulated cluster. Units follow PVE: bytes, seconds, CPU as a fraction. */

export type GuestType = "qemu" | "lxc";
export type PveVersion = 8 | 9;

export interface IoCounters {
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
}

/** Which guest OS answers the QEMU guest agent (decides fsinfo/osinfo payloads). */
export type GuestOs = "debian" | "ubuntu" | "fedora" | "windows";

export interface SimSnapshot {
  name: string;
  description: string;
  snaptime: number;
  vmstate?: 0 | 1;
  parent?: string;
}

export interface SimGuest {
  vmid: number;
  type: GuestType;
  node: string;
  name: string;
  template: boolean;
  /** "stopped", "running", or (qemu) another QMP run state such as "paused". */
  status: string;
  lock?: string;
  tags?: string;
  pool?: string;
  hastate?: string;
  /** qemu: cores per socket; lxc: 0 when only cpulimit is set. */
  cores: number;
  sockets: number;
  /** lxc cpulimit, kept as the config string ("1.5") because PVE echoes it verbatim. */
  cpulimit?: string;
  maxcpu: number;
  maxmem: number;
  maxdisk: number;
  maxswap: number;
  storage: string;
  ostype: string;
  os: GuestOs;
  cpu: number;
  cpuTarget: number;
  cpuPinned?: number;
  /** qemu: guest view when the balloon driver reports, else host view; lxc: cgroup usage. */
  mem: number;
  memhost: number;
  swap: number;
  /** lxc: df of the root fs; qemu: always 0 in PVE. */
  disk: number;
  /** Fraction of the guest's root filesystem in use (agent fsinfo, lxc disk). */
  fsUsed: number;
  uptime: number;
  pid: number;
  counters: IoCounters;
  rates: IoCounters;
  /** Balloon device with driver stats; absent means `balloon: 0` in the config. */
  balloon?: { min: number };
  agent: { configured: boolean; running: boolean };
  mac: string;
  ip: string;
  snapshots: SimSnapshot[];
  ctime: number;
  uuid: string;
  digest: string;
}

export interface SimDisk {
  devpath: string;
  type: "hdd" | "ssd" | "nvme";
  size: number;
  model: string;
  serial: string;
  vendor: string;
  wwn: string;
  health: string;
  wearout: number | "N/A";
  rpm: number;
  gpt: 0 | 1;
  used?: string;
}

export interface SimNode {
  name: string;
  index: number;
  nodeid: number;
  ip: string;
  fingerprint: string;
  cpuModel: string;
  sockets: number;
  cores: number;
  threads: number;
  mhz: string;
  maxmem: number;
  /** Memory the host itself uses (kernel, services, ZFS ARC). */
  baseMem: number;
  swapTotal: number;
  swapUsed: number;
  rootTotal: number;
  rootUsed: number;
  cpu: number;
  wait: number;
  load: [number, number, number];
  memUsed: number;
  uptime: number;
  level: string;
  kernel: string;
  /** Simulated ms when the node went offline, or undefined while online. */
  offlineSince?: number;
  disks: SimDisk[];
}

export interface SimStorage {
  storage: string;
  type: string;
  content: string;
  shared: boolean;
  disabled: boolean;
  /** False models an unreachable NFS/PBS target: active 0 and zero sizes. */
  reachable: boolean;
  nodes?: string[];
  /** Extra keys of the datacenter storage.cfg entry (path, server, export, datastore…). */
  config: Record<string, string | number>;
  /** Per node for local storages, key "*" for shared ones. */
  usage: Map<string, { total: number; used: number }>;
}

export interface SimReplicationJob {
  id: string;
  guest: number;
  jobnum: number;
  source: string;
  target: string;
  schedule: string;
  rate?: number;
  comment?: string;
  disable?: 1;
  failing?: boolean;
}

export interface SimTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  tokenid?: string;
  endtime?: number;
  status: string;
}

export interface SimBackup {
  volid: string;
  content: "backup";
  format: string;
  size: number;
  ctime: number;
  vmid: number;
  subtype?: "qemu" | "lxc";
  notes?: string;
  protected?: 1;
  encrypted?: string;
  verification?: { state: string; upid: string };
}
