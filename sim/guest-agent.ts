/** Raw QEMU guest agent answers (what qemu-ga returns inside `{"result": …}`), per guest OS. */
import type { SimGuest } from "./model";

type Obj = Record<string, unknown>;

const scsiDisk = (dev?: string) => {
  const d: Obj = { "bus-type": "scsi", bus: 0, target: 0, unit: 0, serial: "drive-scsi0" };
  if (dev) d.dev = dev;
  d["pci-controller"] = { domain: 0, bus: 1, slot: 1, function: 0 };
  return [d];
};

function fs(name: string, mountpoint: string, type: string, total: number, used: number, disk: Obj[]): Obj {
  return { name, mountpoint, type, "total-bytes": total, "used-bytes": used, disk };
}

export function fsinfo(g: SimGuest): Obj[] {
  const rootTotal = Math.round(g.maxdisk * 0.93);
  const rootUsed = Math.round(rootTotal * g.fsUsed);
  switch (g.os) {
    case "windows": {
      const cTotal = g.maxdisk - 524288000 - 1048576;
      return [
        { name: "\\\\?\\Volume{3c1a4e53-0000-0000-0000-100000000000}\\", mountpoint: "System Reserved", type: "NTFS", "total-bytes": 524283904, "used-bytes": 35495936, disk: scsiDisk() },
        { name: "\\\\?\\Volume{3c1a4e53-0000-0000-0000-501f00000000}\\", mountpoint: "C:\\", type: "NTFS", "total-bytes": cTotal, "used-bytes": Math.round(cTotal * g.fsUsed), disk: scsiDisk() },
        // CD-ROM (virtio-win ISO): qemu-ga reports no sizes for it.
        { name: "\\\\?\\Volume{8d2f5e3a-6b1c-11ef-a1b2-806e6f6e6963}\\", mountpoint: "D:\\", type: "CDFS", disk: [{ "bus-type": "sata", bus: 0, target: 0, unit: 0, "pci-controller": { domain: 0, bus: 0, slot: 31, function: 2 } }] },
      ];
    }
    case "ubuntu": {
      const overlay = (id: string) => fs("overlay", `/var/lib/docker/overlay2/${id}/merged`, "overlay", rootTotal, rootUsed, []);
      return [
        fs("dm-0", "/", "ext4", rootTotal, rootUsed, scsiDisk("/dev/sda3")),
        fs("sda2", "/boot", "ext4", 2014314496, 198123520, scsiDisk("/dev/sda2")),
        fs("sda1", "/boot/efi", "vfat", 1124999168, 6369280, scsiDisk("/dev/sda1")),
        fs("loop0", "/snap/core22/1663", "squashfs", 77594624, 77594624, []),
        fs("loop1", "/snap/lxd/29351", "squashfs", 93716480, 93716480, []),
        overlay("5f1e0b2c7d9a4e3f8b6c1d0a9e8f7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a"),
        overlay("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"),
      ];
    }
    case "fedora":
      // btrfs subvolumes: several mountpoints sharing one filesystem size.
      return [
        fs("sda3", "/", "btrfs", rootTotal, rootUsed, scsiDisk("/dev/sda3")),
        fs("sda3", "/home", "btrfs", rootTotal, rootUsed, scsiDisk("/dev/sda3")),
        fs("sda2", "/boot", "ext4", 1020702720, 312475648, scsiDisk("/dev/sda2")),
        fs("sda1", "/boot/efi", "vfat", 627900416, 19222528, scsiDisk("/dev/sda1")),
      ];
    default:
      return [
        fs("sda1", "/", "ext4", rootTotal, rootUsed, scsiDisk("/dev/sda1")),
        fs("sda15", "/boot/efi", "vfat", 109422592, 6291456, scsiDisk("/dev/sda15")),
      ];
  }
}

/** fe80::/64 address derived from the MAC (EUI-64), as the guest kernel would assign it. */
export function linkLocal(mac: string): string {
  const b = mac.split(":").map((x) => parseInt(x, 16));
  b[0] ^= 2;
  const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  return `fe80::${hex(b[0], b[1])}:${hex(b[2], 0xff)}:${hex(0xfe, b[3])}:${hex(b[4], b[5])}`;
}

function stats(rx: number, tx: number): Obj {
  return {
    "rx-bytes": rx, "rx-packets": Math.round(rx / 1400), "rx-errs": 0, "rx-dropped": 0,
    "tx-bytes": tx, "tx-packets": Math.round(tx / 1200), "tx-errs": 0, "tx-dropped": 0,
  };
}

export function networkInterfaces(g: SimGuest): Obj[] {
  const mac = g.mac.toLowerCase();
  const v4 = (ip: string, prefix: number) => ({ "ip-address": ip, "ip-address-type": "ipv4", prefix });
  const v6 = (ip: string, prefix: number) => ({ "ip-address": ip, "ip-address-type": "ipv6", prefix });
  const nic = { "hardware-address": mac, "ip-addresses": [v4(g.ip, 24), v6(linkLocal(g.mac), 64)], statistics: stats(g.counters.netin, g.counters.netout) };
  if (g.os === "windows") {
    return [
      { name: "Ethernet", ...nic },
      { name: "Loopback Pseudo-Interface 1", "ip-addresses": [v6("::1", 128), v4("127.0.0.1", 8)], statistics: stats(0, 0) },
    ];
  }
  const list: Obj[] = [
    { name: "lo", "hardware-address": "00:00:00:00:00:00", "ip-addresses": [v4("127.0.0.1", 8), v6("::1", 128)], statistics: stats(9211, 9211) },
    { name: "ens18", ...nic },
  ];
  if (g.os === "ubuntu") {
    list.push({ name: "docker0", "hardware-address": "02:42:5c:1e:9a:01", "ip-addresses": [v4("172.17.0.1", 16)], statistics: stats(0, 0) });
  }
  return list;
}

const OS_INFO: Record<SimGuest["os"], Obj> = {
  debian: {
    id: "debian", name: "Debian GNU/Linux", "pretty-name": "Debian GNU/Linux 12 (bookworm)", version: "12 (bookworm)", "version-id": "12",
    "kernel-release": "6.1.0-27-amd64", "kernel-version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)", machine: "x86_64",
  },
  ubuntu: {
    id: "ubuntu", name: "Ubuntu", "pretty-name": "Ubuntu 24.04.1 LTS", version: "24.04.1 LTS (Noble Numbat)", "version-id": "24.04",
    "kernel-release": "6.8.0-48-generic", "kernel-version": "#48-Ubuntu SMP PREEMPT_DYNAMIC Fri Sep 27 14:04:52 UTC 2024", machine: "x86_64",
  },
  fedora: {
    id: "fedora", name: "Fedora Linux", "pretty-name": "Fedora Linux 41 (Server Edition)", version: "41 (Server Edition)", "version-id": "41",
    variant: "Server Edition", "variant-id": "server",
    "kernel-release": "6.11.4-301.fc41.x86_64", "kernel-version": "#1 SMP PREEMPT_DYNAMIC Sun Oct 20 15:02:33 UTC 2024", machine: "x86_64",
  },
  windows: {
    id: "mswindows", name: "Microsoft Windows", "pretty-name": "Windows Server 2022 Standard", version: "Microsoft Windows Server 2022",
    "version-id": "2022", variant: "server", "variant-id": "server", "kernel-release": "20348", "kernel-version": "10.0", machine: "x86_64",
  },
};

export function osInfo(g: SimGuest): Obj {
  return OS_INFO[g.os];
}

const COMMANDS = [
  "guest-sync-delimited", "guest-sync", "guest-ping", "guest-get-time", "guest-info", "guest-shutdown", "guest-fsfreeze-status",
  "guest-fsfreeze-freeze", "guest-fsfreeze-thaw", "guest-fstrim", "guest-get-fsinfo", "guest-network-get-interfaces",
  "guest-get-osinfo", "guest-get-host-name", "guest-get-users", "guest-get-timezone", "guest-get-vcpus", "guest-get-memory-blocks",
  "guest-exec", "guest-exec-status", "guest-set-user-password", "guest-file-open", "guest-file-read", "guest-file-close",
];

export function agentInfo(g: SimGuest): Obj {
  return {
    version: g.os === "windows" ? "108.0.2" : g.os === "debian" ? "7.2.11" : "8.2.2",
    supported_commands: COMMANDS.map((name) => ({ name, enabled: true, "success-response": !name.startsWith("guest-shutdown") })),
  };
}
