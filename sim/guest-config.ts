/**
 * Guest configs as `GET …/config` returns them: raw values from the config file, so integers
 * parsed by the schema are numbers while property strings and `number` types stay strings.
 */
import type { Cluster } from "./cluster";
import { VERSIONS } from "./cluster";
import type { SimGuest } from "./model";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A stable UUID-shaped id derived from hex digits (vmgenid must differ from the SMBIOS uuid). */
function uuidFromHex(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function gateway(ip: string): string {
  return ip.replace(/\.\d+$/, ".1");
}

export function qemuConfig(c: Cluster, g: SimGuest, agentConfigured: boolean): Record<string, unknown> {
  const disk = `${g.storage}:${g.template ? "base" : "vm"}-${g.vmid}-disk-0,iothread=1,size=${Math.round(g.maxdisk / GiB)}G`;
  const windows = g.os === "windows";
  const conf: Record<string, unknown> = {
    boot: "order=scsi0;ide2;net0",
    cores: g.cores,
    sockets: g.sockets,
    cpu: "x86-64-v2-AES",
    // `memory` is a property string since PVE 8.1, hence a JSON string.
    memory: String(Math.round(g.maxmem / MiB)),
    balloon: g.balloon ? Math.round(g.balloon.min / MiB) : 0,
    ide2: windows ? "local:iso/virtio-win-0.1.262.iso,media=cdrom,size=708140K" : "none,media=cdrom",
    meta: `creation-qemu=${VERSIONS[c.pveVersion].qemu},ctime=${g.ctime}`,
    name: g.name,
    net0: `virtio=${g.mac},bridge=vmbr0,firewall=1`,
    numa: 0,
    onboot: g.template ? 0 : 1,
    ostype: g.ostype,
    scsi0: disk,
    scsihw: "virtio-scsi-single",
    smbios1: `uuid=${g.uuid}`,
    vmgenid: uuidFromHex(g.digest),
    digest: g.digest,
  };
  if (agentConfigured) conf.agent = g.os === "windows" ? "1" : "enabled=1,fstrim_cloned_disks=1";
  if (windows) {
    Object.assign(conf, {
      bios: "ovmf",
      machine: "pc-q35-9.0",
      efidisk0: `${g.storage}:vm-${g.vmid}-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M`,
      tpmstate0: `${g.storage}:vm-${g.vmid}-disk-2,size=4M,version=v2.0`,
    });
  }
  if (g.tags) conf.tags = g.tags;
  if (g.lock) conf.lock = g.lock;
  if (g.template) conf.template = 1;
  return conf;
}

export function lxcConfig(g: SimGuest): Record<string, unknown> {
  const kind = g.storage === "local-zfs" ? "subvol" : "vm";
  const conf: Record<string, unknown> = { arch: "amd64" };
  if (g.cores > 0) conf.cores = g.cores;
  // A `number` schema type: the config string is passed through unchanged.
  if (g.cpulimit) conf.cpulimit = g.cpulimit;
  Object.assign(conf, {
    features: "nesting=1",
    hostname: g.name,
    memory: Math.round(g.maxmem / MiB),
    net0: `name=eth0,bridge=vmbr0,firewall=1,gw=${gateway(g.ip)},hwaddr=${g.mac},ip=${g.ip}/24,type=veth`,
    onboot: g.template ? 0 : 1,
    ostype: g.ostype,
    rootfs: `${g.storage}:${g.template ? "base" : kind}-${g.vmid}-disk-0,size=${Math.round(g.maxdisk / GiB)}G`,
    swap: Math.round(g.maxswap / MiB),
    unprivileged: 1,
    digest: g.digest,
  });
  if (g.tags) conf.tags = g.tags;
  if (g.lock) conf.lock = g.lock;
  if (g.template) conf.template = 1;
  return conf;
}

export function snapshotList(g: SimGuest): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = g.snapshots.map((s) => {
    const e: Record<string, unknown> = { name: s.name, description: s.description, snaptime: s.snaptime };
    if (g.type === "qemu") e.vmstate = s.vmstate ?? 0;
    if (s.parent) e.parent = s.parent;
    return e;
  });
  const current: Record<string, unknown> = { name: "current", description: "You are here!", digest: g.digest };
  if (g.status !== "stopped") current.running = 1;
  if (g.snapshots.length) current.parent = g.snapshots[g.snapshots.length - 1].name;
  list.push(current);
  return list;
}
