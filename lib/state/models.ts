/**
 * The live state model, with Pulse's JSON field names exactly as `/api/state` emits them
 * (Pulse `internal/models` *Frontend types). Units: bytes, bytes/s for rates, seconds for
 * uptime, Unix milliseconds for `lastSeen`/`lastUpdate`; `cpu` of nodes and guests is a
 * 0–1 fraction, every other percentage is 0–100.
 */

export interface MemoryUsage {
  total: number;
  used: number;
  free: number;
  /** percent 0–100 */
  usage: number;
  balloon?: number;
  swapUsed?: number;
  swapTotal?: number;
}

export interface DiskUsage {
  total: number;
  used: number;
  free: number;
  /** percent 0–100; -1 = only the allocated size is known (no guest agent data) */
  usage: number;
  mountpoint?: string;
  type?: string;
  device?: string;
}

export interface CpuInfo {
  model: string;
  cores: number;
  sockets: number;
  mhz: string;
}

export type ConnectionHealth = "healthy" | "degraded" | "error";

export interface Node {
  id: string;
  node: string;
  name: string;
  displayName: string;
  instance: string;
  host: string;
  guestURL?: string;
  status: "online" | "offline" | "unknown";
  type: "node";
  cpu: number;
  memory?: MemoryUsage;
  mem: number;
  maxmem: number;
  disk?: DiskUsage;
  maxdisk: number;
  uptime: number;
  loadAverage: number[];
  kernelVersion: string;
  pveVersion: string;
  cpuInfo: CpuInfo;
  lastSeen: number;
  connectionHealth: ConnectionHealth;
  isClusterMember?: boolean;
  clusterName?: string;
  temperatureMonitoringEnabled?: boolean;
  linkedHostAgentId?: string;
  /** demo data from the built-in simulator */
  isDemo?: boolean;
}

export interface GuestNetworkInterface {
  name: string;
  mac: string;
  addresses: string[];
  rxBytes: number;
  txBytes: number;
}

/** Why a VM's `disk` is only the allocated size (Pulse's `diskStatusReason` values). */
export type DiskStatusReason =
  | "vm-stopped"
  | "agent-disabled"
  | "agent-not-running"
  | "agent-timeout"
  | "permission-denied"
  | "agent-error"
  | "no-filesystems"
  | "special-filesystems-only"
  | "no-agent"
  | "no-status";

interface GuestBase {
  /** `<instance>:<node>:<vmid>` */
  id: string;
  vmid: number;
  name: string;
  node: string;
  instance: string;
  status: string;
  cpu: number;
  cpus: number;
  memory?: MemoryUsage;
  mem: number;
  maxmem: number;
  disk?: DiskUsage;
  disks?: DiskUsage[];
  networkInterfaces?: GuestNetworkInterface[];
  ipAddresses?: string[];
  networkIn: number;
  networkOut: number;
  diskRead: number;
  diskWrite: number;
  uptime: number;
  template: boolean;
  lastBackup?: number;
  /** comma-joined (PVE sends `;`-separated) */
  tags?: string;
  lock?: string;
  lastSeen: number;
  osName?: string;
  isDemo?: boolean;
}

export interface VM extends GuestBase {
  type: "qemu";
  diskStatusReason?: DiskStatusReason;
  osVersion?: string;
  agentVersion?: string;
}

export interface Container extends GuestBase {
  type: "lxc" | "oci";
  isOci?: boolean;
  osTemplate?: string;
}

export interface Storage {
  /** `<instance>-<node>-<storage>` */
  id: string;
  storage: string;
  name: string;
  node: string;
  instance: string;
  nodes?: string[];
  nodeIds?: string[];
  nodeCount?: number;
  type: string;
  status: "available" | "offline" | "unavailable" | "inactive" | "disabled" | "unknown";
  total: number;
  used: number;
  avail: number;
  free: number;
  /** percent 0–100 */
  usage: number;
  /** comma-separated content types */
  content: string;
  shared: boolean;
  enabled: boolean;
  active: boolean;
  isDemo?: boolean;
}

export interface PveBackups {
  backupTasks: unknown[];
  storageBackups: unknown[];
  guestSnapshots: unknown[];
}

/** Unified resource (`/api/resources`, WS `rawData.resources[]`). */
export interface Resource {
  id: string;
  type: "node" | "vm" | "container" | "oci-container" | "storage" | "host" | "docker-host" | "docker-container" | "pbs" | "pmg" | "k8s-cluster";
  name: string;
  displayName: string;
  platformId: string;
  platformType: "proxmox-pve" | "proxmox-pbs" | "proxmox-pmg" | "docker" | "kubernetes" | "host-agent";
  sourceType: "api" | "agent" | "hybrid";
  parentId?: string;
  clusterId?: string;
  status: string;
  cpu?: { current: number; total?: number; used?: number; free?: number };
  memory?: { current: number; total?: number; used?: number; free?: number };
  disk?: { current: number; total?: number; used?: number; free?: number };
  network?: { rxBytes: number; txBytes: number };
  uptime?: number;
  tags?: string[];
  lastSeen: number;
  platformData?: Record<string, unknown>;
}

/** `GET /api/state`: every top-level key Pulse emits, empty where a source is not built yet. */
export interface StateFrontend {
  nodes: Node[];
  vms: VM[];
  containers: Container[];
  dockerHosts: unknown[];
  removedDockerHosts: unknown[];
  kubernetesClusters: unknown[];
  removedKubernetesClusters: unknown[];
  hosts: unknown[];
  storage: Storage[];
  cephClusters: unknown[];
  physicalDisks: unknown[];
  pbs: unknown[];
  pmg: unknown[];
  pbsBackups: unknown[];
  pmgBackups: unknown[];
  backups: { pve: PveBackups; pbs: unknown[]; pmg: unknown[] };
  replicationJobs: unknown[];
  activeAlerts: unknown[];
  metrics: Record<string, unknown>;
  pveBackups: PveBackups;
  performance: Record<string, unknown>;
  /** keyed by instance name (PVE), `pbs-<n>`, `pmg-<n>`, … */
  connectionHealth: Record<string, boolean>;
  stats: Record<string, unknown>;
  lastUpdate: number;
  temperatureMonitoringEnabled: boolean;
  /** true while the dashboard shows the built-in demo cluster */
  isDemo?: boolean;
  resources?: Resource[];
}

/** What one poll of one PVE instance (a standalone node or a cluster) produced. */
export interface PveInstanceState {
  instance: string;
  nodes: Node[];
  vms: VM[];
  containers: Container[];
  storage: Storage[];
  /** false when the instance could not be reached this cycle */
  healthy: boolean;
  error?: string;
  polledAt: number;
}
