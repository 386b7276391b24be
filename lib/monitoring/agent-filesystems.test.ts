import { describe, expect, it } from "vitest";
import { AgentFsInfoSchema } from "../proxmox/schemas";
import { isSpecialFilesystem, summarizeFilesystems } from "./agent-filesystems";

const fs = (result: unknown[]) => AgentFsInfoSchema.parse({ result });
const GiB = 1024 ** 3;

describe("summarizeFilesystems", () => {
  it("keeps the root filesystem and skips /boot/efi (pve-api §3.8 example)", () => {
    const s = summarizeFilesystems(
      fs([
        { name: "sda1", mountpoint: "/", type: "ext4", "total-bytes": 33501757440, "used-bytes": 9876543488, disk: [{ dev: "/dev/sda", serial: "drive-scsi0" }] },
        { name: "sda15", mountpoint: "/boot/efi", type: "vfat", "total-bytes": 109422592, "used-bytes": 6291456, disk: [{ dev: "/dev/sda" }] },
      ]),
    );
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(s.disk).toEqual({ total: 33501757440, used: 9876543488, free: 33501757440 - 9876543488, usage: (9876543488 / 33501757440) * 100 });
    expect(s.disks).toHaveLength(1);
    expect(s.disks[0]).toMatchObject({ mountpoint: "/", type: "ext4", device: "/dev/sda" });
  });

  it("skips virtual, network, read-only and system mounts", () => {
    const skipped = [
      ["tmpfs", "/tmp"],
      ["devtmpfs", "/dev"],
      ["overlay", "/var/lib/docker/overlay2/abc/merged"],
      ["squashfs", "/snap/core/1"],
      ["iso9660", "/media/cdrom"],
      ["nfs4", "/mnt/share"],
      ["cifs", "/mnt/win"],
      ["fuse.sshfs", "/mnt/ssh"],
      ["9p", "/mnt/host"],
      ["ext4", "/run/something"],
      ["ext4", "/sys/fs/x"],
      ["vfat", "/boot/efi"],
      ["NTFS", "System Reserved"],
    ];
    for (const [type, mp] of skipped) expect(isSpecialFilesystem(type, mp), `${type} ${mp}`).toBe(true);
    expect(isSpecialFilesystem("ext4", "/")).toBe(false);
    expect(isSpecialFilesystem("xfs", "/srv/data")).toBe(false);
    expect(isSpecialFilesystem("ext4", "/devices")).toBe(false);
  });

  it("counts btrfs subvolumes of one device once", () => {
    const sub = (mp: string) => ({ name: "vda2", mountpoint: mp, type: "btrfs", "total-bytes": 50 * GiB, "used-bytes": 10 * GiB, disk: [{ dev: "/dev/vda" }] });
    const s = summarizeFilesystems(fs([sub("/"), sub("/home"), sub("/var"), { ...sub("/data"), disk: [{ dev: "/dev/vdb" }] }]));
    expect(s.ok && s.disks.map((d) => d.mountpoint)).toEqual(["/", "/data"]);
    expect(s.ok && s.disk.total).toBe(100 * GiB);
  });

  it("groups Windows volumes by drive letter and ignores CD-ROMs without sizes", () => {
    const s = summarizeFilesystems(
      fs([
        { name: "\\\\?\\Volume{1}\\", mountpoint: "C:\\", type: "NTFS", "total-bytes": 100 * GiB, "used-bytes": 40 * GiB, disk: [] },
        { name: "\\\\?\\Volume{2}\\", mountpoint: "C:\\Mount\\Data", type: "NTFS", "total-bytes": 100 * GiB, "used-bytes": 40 * GiB },
        { name: "\\\\?\\Volume{3}\\", mountpoint: "System Reserved", type: "NTFS", "total-bytes": 500 * 1024 ** 2, "used-bytes": 1 },
        { name: "\\\\?\\Volume{4}\\", mountpoint: "D:\\", type: "CDFS" },
        { name: "\\\\?\\Volume{5}\\", mountpoint: "E:\\", type: "NTFS", "total-bytes": 20 * GiB, "used-bytes": 5 * GiB },
      ]),
    );
    expect(s.ok && s.disks.map((d) => d.mountpoint)).toEqual(["C:\\", "E:\\"]);
    expect(s.ok && s.disk).toMatchObject({ total: 120 * GiB, used: 45 * GiB, usage: 37.5 });
  });

  it("explains why nothing is left", () => {
    expect(summarizeFilesystems([])).toEqual({ ok: false, reason: "no-filesystems" });
    expect(summarizeFilesystems(fs([{ mountpoint: "/snap/x", type: "squashfs", "total-bytes": 1, "used-bytes": 1 }]))).toEqual({
      ok: false,
      reason: "special-filesystems-only",
    });
    expect(summarizeFilesystems(fs([{ mountpoint: "/", type: "ext4", "total-bytes": 0 }])).ok).toBe(false);
  });
});
