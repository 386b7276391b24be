/**
 * VM disk usage from the guest agent's `get-fsinfo` (Pulse fsfilters): keep the real,
 * local filesystems once each and sum them.
 */
import type { PveAgentFsInfoEntry } from "../proxmox/schemas";
import type { DiskUsage } from "../state/models";
import { diskUsage } from "./usage";

const VIRTUAL_TYPES = new Set([
  "tmpfs",
  "devtmpfs",
  "cgroup",
  "cgroup2",
  "sysfs",
  "proc",
  "devpts",
  "securityfs",
  "debugfs",
  "tracefs",
  "fusectl",
  "configfs",
  "pstore",
  "hugetlbfs",
  "mqueue",
  "bpf",
  "overlay",
  "overlayfs",
  "autofs",
  "ramfs",
  "efivarfs",
  "binfmt_misc",
  "rpc_pipefs",
  "nsfs",
]);
/** read-only images always report full (snap, live media, appliance roots) */
const READ_ONLY_TYPE_PARTS = ["squashfs", "squash-fs", "erofs", "iso9660", "cdfs", "udf", "cramfs", "romfs"];
const NETWORK_TYPE_PARTS = ["fuse", "9p", "nfs", "cifs", "smb", "sshfs", "glusterfs", "ceph"];
const SPECIAL_MOUNT_PREFIXES = ["/dev", "/proc", "/sys", "/run", "/snap", "/var/lib/docker", "/var/lib/containers"];
const BTRFS_ZFS = new Set(["btrfs", "zfs"]);

export function isSpecialFilesystem(type: string, mountpoint: string): boolean {
  const t = type.trim().toLowerCase();
  if (VIRTUAL_TYPES.has(t)) return true;
  if (READ_ONLY_TYPE_PARTS.some((p) => t.includes(p))) return true;
  if (NETWORK_TYPE_PARTS.some((p) => t.includes(p))) return true;
  const mp = mountpoint.trim();
  if (SPECIAL_MOUNT_PREFIXES.some((p) => mp === p || mp.startsWith(`${p}/`))) return true;
  if (mp === "/boot/efi" || mp.includes("System Reserved")) return true;
  // container runtime layers mounted in unusual places
  if ((mp.includes("/containers/") || mp.includes("/container_tmp/")) && /\/(overlay2?|diff)\/|\/merged/.test(mp)) return true;
  return false;
}

export type FilesystemSummary =
  | { ok: true; disk: DiskUsage; disks: DiskUsage[] }
  | { ok: false; reason: "no-filesystems" | "special-filesystems-only" };

const WINDOWS_DRIVE = /^([A-Za-z]):/;

export function summarizeFilesystems(entries: readonly PveAgentFsInfoEntry[]): FilesystemSummary {
  if (entries.length === 0) return { ok: false, reason: "no-filesystems" };
  const disks: DiskUsage[] = [];
  const seen = new Set<string>();
  let total = 0;
  let used = 0;
  for (const fs of entries) {
    const size = fs["total-bytes"] ?? 0;
    if (size <= 0) continue; // CD-ROMs, very old qemu-ga
    if (isSpecialFilesystem(fs.type, fs.mountpoint)) continue;
    const type = fs.type.toLowerCase();
    const drive = WINDOWS_DRIVE.exec(fs.mountpoint);
    let key: string | undefined;
    if (drive) {
      // volume mount points inside a drive report that drive again
      key = `drive:${drive[1].toUpperCase()}`;
    } else if (BTRFS_ZFS.has(type)) {
      // subvolumes/datasets of one pool or device report the same size: count them once
      const dev = fs.disk.map((d) => d.dev || d.serial || "").join(",") || (type === "zfs" ? fs.name.split("/")[0] : "");
      key = `${type}|${dev}|${size}`;
    }
    if (key !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const d = diskUsage(size, fs["used-bytes"] ?? 0);
    d.mountpoint = fs.mountpoint;
    d.type = fs.type;
    const device = fs.disk.find((x) => x.dev)?.dev ?? fs.name;
    if (device) d.device = device;
    disks.push(d);
    total += d.total;
    used += d.used;
  }
  if (disks.length === 0) return { ok: false, reason: "special-filesystems-only" };
  return { ok: true, disk: diskUsage(total, used), disks };
}
