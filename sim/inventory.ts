/** Builds the initial cluster (nodes, guests, storages, replication) deterministically from a seed. */
import { createRandom, hash32, type Random } from "./random";
import type { GuestOs, GuestType, SimDisk, SimGuest, SimNode, SimReplicationJob, SimSnapshot, SimStorage } from "./model";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface InventoryOptions {
  nodes: number;
  guests: number;
  seed: number;
  clustered: boolean;
  /** Simulated epoch seconds at start (ctime/snaptime values are placed before it). */
  now: number;
}

export interface Inventory {
  nodes: SimNode[];
  guests: SimGuest[];
  storages: SimStorage[];
  replication: SimReplicationJob[];
}

/** Hand-picked guests placed first so every edge case exists in a default-sized cluster. */
interface GuestRole {
  type: GuestType;
  name: string;
  status?: string;
  template?: boolean;
  os?: GuestOs;
  agent?: "running" | "not-running" | "none";
  balloon?: boolean;
  lock?: string;
  tags?: string;
  pool?: string;
  hastate?: string;
  cores?: number;
  cpulimit?: string;
  memMiB?: number;
  diskGiB?: number;
}

const ROLES: GuestRole[] = [
  { type: "qemu", name: "web01", os: "debian", agent: "running", balloon: true, tags: "prod;web", pool: "prod", hastate: "started", cores: 4, memMiB: 8192, diskGiB: 32 },
  { type: "lxc", name: "dns01", os: "debian", tags: "infra", cores: 2, memMiB: 1024, diskGiB: 8 },
  { type: "qemu", name: "db01", os: "ubuntu", agent: "running", balloon: false, lock: "backup", tags: "prod;db", pool: "prod", cores: 8, memMiB: 16384, diskGiB: 100 },
  { type: "lxc", name: "build01", os: "debian", cores: 0, cpulimit: "1.5", memMiB: 2048, diskGiB: 20 },
  { type: "qemu", name: "win-srv01", os: "windows", agent: "running", balloon: true, tags: "windows", cores: 4, memMiB: 8192, diskGiB: 64 },
  { type: "qemu", name: "app01", os: "debian", agent: "not-running", balloon: true, cores: 2, memMiB: 4096, diskGiB: 32 },
  { type: "qemu", name: "legacy01", os: "debian", agent: "none", balloon: false, cores: 2, memMiB: 2048, diskGiB: 16 },
  { type: "lxc", name: "proxy01", status: "stopped", os: "debian", cores: 1, memMiB: 512, diskGiB: 4 },
  { type: "qemu", name: "test01", status: "stopped", os: "debian", agent: "running", balloon: true, cores: 2, memMiB: 2048, diskGiB: 32 },
  { type: "qemu", name: "paused01", status: "paused", os: "debian", agent: "running", balloon: true, tags: "lab", cores: 2, memMiB: 4096, diskGiB: 32 },
  { type: "lxc", name: "mon01", os: "debian", lock: "snapshot", tags: "infra;monitoring", cores: 2, memMiB: 2048, diskGiB: 16 },
  { type: "qemu", name: "fedora01", os: "fedora", agent: "running", balloon: true, tags: "dev", cores: 2, memMiB: 4096, diskGiB: 40 },
  { type: "qemu", name: "hibernated01", status: "stopped", lock: "suspended", os: "debian", agent: "running", balloon: true, cores: 2, memMiB: 2048, diskGiB: 32 },
  { type: "qemu", name: "tpl-debian12", template: true, os: "debian", agent: "running", balloon: true, cores: 2, memMiB: 2048, diskGiB: 10 },
  { type: "lxc", name: "tpl-ct-debian", template: true, os: "debian", cores: 1, memMiB: 512, diskGiB: 4 },
];

const QEMU_NAMES = ["web", "app", "db", "mail", "git", "ci", "vpn", "k8s-cp", "k8s-worker", "files", "media", "cache", "erp", "jump"];
const LXC_NAMES = ["dns", "proxy", "redis", "nginx", "pihole", "grafana", "prom", "syslog", "ntp", "unifi", "mqtt"];
const TAGS = ["prod", "dev", "staging", "web", "db", "infra", "k8s", "monitoring", "backup"];
const CPU_MODELS = [
  "AMD EPYC 7302P 16-Core Processor",
  "Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz",
  "AMD Ryzen 9 5950X 16-Core Processor",
  "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
];

export function buildInventory(opts: InventoryOptions): Inventory {
  const rng = createRandom(opts.seed);
  const nodeNames = Array.from({ length: opts.nodes }, (_, i) => `pve${i + 1}`);
  const guests = buildGuests(opts, nodeNames, rng);
  const nodes = nodeNames.map((name, i) => buildNode(name, i, opts, guests.filter((g) => g.node === name), rng));
  for (const g of guests) {
    const node = nodes[nodeNames.indexOf(g.node)];
    if (g.type === "qemu") g.maxcpu = Math.min(g.maxcpu, node.threads);
    if (g.uptime > node.uptime) g.uptime = Math.floor(node.uptime * rng.range(0.5, 0.99));
  }
  const storages = buildStorages(nodes, guests, rng);
  const replication = opts.clustered && opts.nodes > 1 ? buildReplication(guests, nodeNames) : [];
  return { nodes, guests, storages, replication };
}

function buildGuests(opts: InventoryOptions, nodeNames: string[], rng: Random): SimGuest[] {
  const guests: SimGuest[] = [];
  const counters = new Map<string, number>();
  const templateBase = opts.guests < 8800 ? 9000 : 1_000_000;
  let nextVmid = 100;
  let nextTemplate = templateBase;
  for (let i = 0; i < opts.guests; i++) {
    const role = i < ROLES.length ? ROLES[i] : randomRole(rng, counters);
    const vmid = role.template ? nextTemplate++ : nextVmid++;
    guests.push(makeGuest(i, vmid, role, nodeNames[i % nodeNames.length], opts.now, rng));
  }
  return guests;
}

function randomRole(rng: Random, counters: Map<string, number>): GuestRole {
  const type: GuestType = rng.chance(0.6) ? "qemu" : "lxc";
  const base = rng.pick(type === "qemu" ? QEMU_NAMES : LXC_NAMES);
  const n = (counters.get(base) ?? 1) + 1;
  counters.set(base, n);
  const tagCount = rng.int(0, 2);
  const tags = Array.from(new Set(Array.from({ length: tagCount }, () => rng.pick(TAGS)))).sort();
  const os: GuestOs =
    type === "lxc" ? rng.pick(["debian", "ubuntu"] as const) : rng.pick(["debian", "debian", "ubuntu", "ubuntu", "fedora", "windows"] as const);
  const role: GuestRole = {
    type,
    name: `${base}${String(n).padStart(2, "0")}`,
    status: rng.chance(0.86) ? "running" : "stopped",
    os,
    tags: tags.length ? tags.join(";") : undefined,
    lock: rng.chance(0.01) ? "backup" : undefined,
    pool: rng.chance(0.15) ? rng.pick(["prod", "lab"]) : undefined,
  };
  if (type === "qemu") {
    role.agent = rng.chance(0.7) ? (rng.chance(0.93) ? "running" : "not-running") : "none";
    role.balloon = rng.chance(0.55);
    role.cores = rng.pick([1, 2, 2, 4, 4, 8]);
    role.memMiB = rng.pick([1024, 2048, 4096, 4096, 8192, 16384]);
    role.diskGiB = rng.pick([16, 32, 32, 64, 100, 200]);
    if (role.status === "running" && rng.chance(0.1)) role.hastate = "started";
  } else {
    if (rng.chance(0.1)) {
      role.cores = 0;
      role.cpulimit = rng.pick(["0.5", "1.5", "2.5"]);
    } else {
      role.cores = rng.pick([1, 1, 2, 2, 4]);
    }
    role.memMiB = rng.pick([256, 512, 1024, 2048, 4096]);
    role.diskGiB = rng.pick([4, 8, 8, 16, 32]);
  }
  return role;
}

function makeGuest(index: number, vmid: number, role: GuestRole, node: string, now: number, rng: Random): SimGuest {
  const isQemu = role.type === "qemu";
  const cores = role.cores ?? 2;
  const maxcpu = cores > 0 ? cores : Number(role.cpulimit ?? "1");
  const maxmem = (role.memMiB ?? 2048) * MiB;
  const status = role.template ? "stopped" : (role.status ?? "running");
  const h = hash32(`mac${vmid}`);
  const mac = ["BC", "24", "11", h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff]
    .map((b) => (typeof b === "string" ? b : b.toString(16).toUpperCase().padStart(2, "0")))
    .join(":");
  const ip = `10.${10 + Math.floor(index / 62500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 2}`;
  const guest: SimGuest = {
    vmid,
    type: role.type,
    node,
    name: role.name,
    template: role.template ?? false,
    status,
    lock: role.lock,
    tags: role.tags,
    pool: role.pool,
    hastate: role.hastate,
    cores,
    sockets: 1,
    cpulimit: role.cpulimit,
    maxcpu,
    maxmem,
    maxdisk: (role.diskGiB ?? 32) * GiB,
    maxswap: isQemu ? 0 : 512 * MiB,
    storage: index % 3 === 2 ? "local-zfs" : "local-lvm",
    ostype: isQemu ? (role.os === "windows" ? "win11" : "l26") : (role.os ?? "debian"),
    os: role.os ?? "debian",
    cpu: 0,
    cpuTarget: rng.chance(0.8) ? rng.range(0.005, 0.12) : rng.range(0.2, 0.7),
    mem: 0,
    memhost: 0,
    swap: 0,
    disk: 0,
    fsUsed: rng.range(0.15, 0.75),
    uptime: 0,
    pid: 0,
    counters: { netin: 0, netout: 0, diskread: 0, diskwrite: 0 },
    rates: {
      netin: Math.round(10 ** rng.range(3, 6.5)),
      netout: Math.round(10 ** rng.range(3, 6.3)),
      diskread: Math.round(10 ** rng.range(3, 6.8)),
      diskwrite: Math.round(10 ** rng.range(3.3, 6.5)),
    },
    balloon: isQemu && role.balloon ? { min: Math.max(512 * MiB, Math.round(maxmem / 4)) } : undefined,
    agent: {
      configured: isQemu && role.agent !== undefined && role.agent !== "none",
      running: role.agent === "running",
    },
    mac,
    ip,
    snapshots: [],
    ctime: now - rng.int(30, 900) * 86400,
    uuid: uuidFrom(rng),
    digest: rng.hex(40),
  };
  if (!guest.template && index % 4 === 0) guest.snapshots = makeSnapshots(guest, now, rng);
  if (guest.status !== "stopped") {
    guest.uptime = rng.int(3600, 60 * 86400);
    guest.pid = rng.int(1000, 4_000_000);
    guest.cpu = guest.status === "running" ? guest.cpuTarget : 0;
    const factor = rng.range(0.5, 1.5);
    for (const k of ["netin", "netout", "diskread", "diskwrite"] as const) {
      guest.counters[k] = Math.round(guest.rates[k] * guest.uptime * factor);
    }
    guest.mem = Math.round(maxmem * rng.range(0.25, 0.8));
    guest.memhost = isQemu ? Math.round(Math.max(guest.mem, maxmem * rng.range(0.5, 0.95))) : guest.mem;
    guest.swap = isQemu ? 0 : Math.round(guest.maxswap * rng.range(0, 0.1));
  }
  guest.disk = guest.type === "lxc" && guest.status !== "stopped" ? Math.round(guest.maxdisk * guest.fsUsed) : 0;
  return guest;
}

function makeSnapshots(guest: SimGuest, now: number, rng: Random): SimSnapshot[] {
  const names = ["clean-install", "pre-upgrade", "before-kernel", "weekly"];
  const count = rng.int(1, 3);
  const snaps: SimSnapshot[] = [];
  let t = now - rng.int(20, 120) * 86400;
  for (let i = 0; i < count; i++) {
    const snap: SimSnapshot = { name: names[i], description: i === 1 ? "before upgrade" : "", snaptime: t };
    if (guest.type === "qemu") snap.vmstate = i === count - 1 && rng.chance(0.5) ? 1 : 0;
    if (i > 0) snap.parent = names[i - 1];
    snaps.push(snap);
    t += rng.int(2, 15) * 86400;
  }
  return snaps;
}

function uuidFrom(rng: Random): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function pickAtLeast(options: number[], need: number): number {
  return options.find((v) => v >= need) ?? options[options.length - 1];
}

function buildNode(name: string, index: number, opts: InventoryOptions, guests: SimGuest[], rng: Random): SimNode {
  const vcpus = guests.reduce((sum, g) => sum + g.maxcpu, 0);
  const threads = pickAtLeast([16, 24, 32, 48, 64, 96, 128, 192, 256], Math.ceil(vcpus / 3));
  const sockets = threads > 64 ? 2 : 1;
  const mem = guests.reduce((sum, g) => sum + (g.template ? 0 : g.maxmem), 0);
  const memGiB = pickAtLeast([16, 32, 64, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096], mem / GiB * 0.8 + 8);
  // MemTotal sits a little under the installed size (firmware/kernel reservations).
  const maxmem = Math.round((memGiB * GiB * 0.982) / 4096) * 4096;
  const rootTotal = 100861726720;
  const model = rng.pick(CPU_MODELS);
  return {
    name,
    index,
    nodeid: opts.clustered ? index + 1 : 0,
    ip: "",
    fingerprint: "",
    cpuModel: model,
    sockets,
    cores: threads / 2 / sockets,
    threads,
    mhz: rng.pick(["2400.000", "2999.998", "3400.000", "2000.000"]),
    maxmem,
    baseMem: Math.round(3 * GiB + maxmem * rng.range(0.03, 0.08)),
    swapTotal: 8589930496,
    swapUsed: rng.chance(0.3) ? rng.int(1, 200) * MiB : 0,
    rootTotal,
    rootUsed: Math.round(rootTotal * rng.range(0.08, 0.3)),
    cpu: 0.02,
    wait: 0.001,
    load: [0, 0, 0],
    memUsed: 0,
    uptime: rng.int(5, 90) * 86400 + rng.int(0, 86399),
    level: "",
    kernel: "",
    disks: buildDisks(index, opts.nodes, rng),
  };
}

function buildDisks(index: number, nodeCount: number, rng: Random): SimDisk[] {
  const serial = (prefix: string) => prefix + rng.hex(8).toUpperCase();
  const nvmeSerial = serial("S5GXNX0T");
  const disks: SimDisk[] = [
    {
      devpath: "/dev/nvme0n1", type: "nvme", size: 1024209543168, model: "Samsung SSD 980 PRO 1TB", serial: nvmeSerial,
      vendor: "unknown", wwn: `eui.002538b${rng.hex(9)}`, health: "PASSED", wearout: rng.int(88, 100), rpm: 0, gpt: 1, used: "ZFS",
    },
    {
      devpath: "/dev/sda", type: "hdd", size: 4000787030016, model: "ST4000VN008-2DR166", serial: serial("ZGY"),
      vendor: "ATA     ", wwn: `0x5000c500${rng.hex(8)}`, health: "PASSED", wearout: "N/A", rpm: 5980, gpt: 1, used: "LVM",
    },
    {
      devpath: "/dev/sdb", type: "ssd", size: 480103981056, model: "INTEL SSDSC2KB480G8", serial: serial("PHYF"),
      vendor: "ATA     ", wwn: `0x55cd2e41${rng.hex(8)}`, health: "PASSED", wearout: rng.int(60, 99), rpm: 0, gpt: 0,
    },
  ];
  // The last node of a cluster carries a worn-out SSD so disk-health alerts have something to show.
  if (nodeCount > 1 && index === nodeCount - 1) {
    disks[2].wearout = 4;
    disks[2].health = "FAILED";
  }
  return disks;
}

function buildStorages(nodes: SimNode[], guests: SimGuest[], rng: Random): SimStorage[] {
  const nodeNames = nodes.map((n) => n.name);
  const perNode = (fn: (n: SimNode) => { total: number; used: number }) => new Map(nodes.map((n) => [n.name, fn(n)]));
  const allocated = (node: string, storage: string) =>
    guests.filter((g) => g.node === node && g.storage === storage).reduce((s, g) => s + g.maxdisk, 0);
  const thin = (storage: string) =>
    perNode((n) => {
      const alloc = allocated(n.name, storage);
      const used = Math.round(alloc * rng.range(0.35, 0.6) + 8 * GiB);
      const total = Math.max(512 * GiB, Math.ceil((used * 2.2) / (256 * GiB)) * 256 * GiB);
      return { total, used };
    });
  const nfsNodes = nodeNames.length >= 3 ? nodeNames.slice(0, -1) : nodeNames;
  return [
    {
      storage: "local", type: "dir", content: "backup,iso,vztmpl", shared: false, disabled: false, reachable: true,
      config: { path: "/var/lib/vz", "prune-backups": "keep-all=1" },
      usage: perNode((n) => ({ total: n.rootTotal, used: n.rootUsed })),
    },
    {
      storage: "local-lvm", type: "lvmthin", content: "images,rootdir", shared: false, disabled: false, reachable: true,
      config: { thinpool: "data", vgname: "pve" },
      usage: thin("local-lvm"),
    },
    {
      storage: "local-zfs", type: "zfspool", content: "images,rootdir", shared: false, disabled: false, reachable: true,
      config: { pool: "rpool/data", sparse: 1 },
      usage: thin("local-zfs"),
    },
    {
      storage: "nfs-backup", type: "nfs", content: "backup", shared: true, disabled: false, reachable: true, nodes: nfsNodes,
      config: { server: "10.0.0.5", export: "/srv/backup", path: "/mnt/pve/nfs-backup", "prune-backups": "keep-daily=7,keep-weekly=4" },
      usage: new Map([["*", { total: 4000787030016, used: Math.round(4000787030016 * rng.range(0.25, 0.45)) }]]),
    },
    {
      storage: "pbs-main", type: "pbs", content: "backup", shared: true, disabled: false, reachable: true,
      config: { server: "10.0.0.20", datastore: "main", username: "pulse@pbs", fingerprint: fakeFingerprint(rng) },
      usage: new Map([["*", { total: 8001563222016, used: Math.round(8001563222016 * rng.range(0.2, 0.35)) }]]),
    },
    {
      storage: "nfs-archive", type: "nfs", content: "backup,iso", shared: true, disabled: false, reachable: false,
      config: { server: "10.0.0.6", export: "/export/archive", path: "/mnt/pve/nfs-archive" },
      usage: new Map([["*", { total: 0, used: 0 }]]),
    },
    {
      storage: "cifs-old", type: "cifs", content: "backup", shared: true, disabled: true, reachable: true,
      config: { server: "10.0.0.7", share: "backup", path: "/mnt/pve/cifs-old", username: "backup" },
      usage: new Map([["*", { total: 2000398934016, used: 1200000000000 }]]),
    },
  ];
}

function buildReplication(guests: SimGuest[], nodeNames: string[]): SimReplicationJob[] {
  const candidates = guests.filter((g) => g.storage === "local-zfs" && !g.template).slice(0, 3);
  return candidates.map((g, i) => {
    const target = nodeNames[(nodeNames.indexOf(g.node) + 1) % nodeNames.length];
    const job: SimReplicationJob = { id: `${g.vmid}-0`, guest: g.vmid, jobnum: 0, source: g.node, target, schedule: "*/15" };
    if (i === 0) Object.assign(job, { rate: 50, comment: `${g.name} replica` });
    if (i === 1) job.failing = true;
    if (i === 2) job.disable = 1;
    return job;
  });
}

function fakeFingerprint(rng: Random): string {
  return Array.from({ length: 32 }, () => rng.hex(2).toUpperCase()).join(":");
}
