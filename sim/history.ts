/** Things that accumulate over time on a node: task log and storage content (backups, images, ISOs). */
import type { Cluster } from "./cluster";
import type { SimBackup, SimGuest, SimStorage, SimTask } from "./model";
import { createRandom, hash32, type Random } from "./random";

const DAY = 86400;

const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, "0");

/** `2024_11_20-02_00_03` as vzdump names its archives (UTC here). */
function vzdumpStamp(epoch: number): string {
  const d = new Date(epoch * 1000).toISOString();
  return `${d.slice(0, 4)}_${d.slice(5, 7)}_${d.slice(8, 10)}-${d.slice(11, 13)}_${d.slice(14, 16)}_${d.slice(17, 19)}`;
}

function pbsStamp(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class History {
  private readonly taskLog = new Map<string, SimTask[]>();
  private readonly contentCache = new Map<string, object[]>();
  private readonly rng: Random;

  constructor(private readonly cluster: Cluster, seed: number) {
    this.rng = createRandom(seed * 31 + 7);
  }

  /** Newest first, like the task index. */
  tasks(node: string): SimTask[] {
    let list = this.taskLog.get(node);
    if (!list) {
      list = this.seedTasks(node);
      this.taskLog.set(node, list);
    }
    return list;
  }

  addTask(node: string, type: string, id: string, user: string, tokenid?: string): SimTask {
    const start = this.cluster.nowSec();
    const task = this.makeTask(node, type, id, user, start, start + 1, "OK", tokenid);
    this.tasks(node).unshift(task);
    return task;
  }

  makeTask(node: string, type: string, id: string, user: string, start: number, end: number | undefined, status: string, tokenid?: string): SimTask {
    const pid = this.rng.int(1000, 4_000_000);
    const pstart = this.rng.int(1_000_000, 400_000_000);
    const fullUser = tokenid ? `${user}!${tokenid}` : user;
    const task: SimTask = {
      upid: `UPID:${node}:${hex8(pid)}:${hex8(pstart)}:${hex8(start)}:${type}:${id}:${fullUser}:`,
      node, pid, pstart, starttime: start, type, id, user, status,
    };
    if (tokenid) task.tokenid = tokenid;
    if (end !== undefined) task.endtime = end;
    return task;
  }

  private seedTasks(node: string): SimTask[] {
    const c = this.cluster;
    const n = c.node(node)!;
    const guests = c.guestsOn(node).filter((g) => !g.template);
    const base = c.startedAt;
    const midnight = base - (base % DAY);
    const out: SimTask[] = [];
    for (let day = 0; day < 7; day++) {
      const start = midnight - day * DAY + 2 * 3600 + (n.index % 4) * 60 + 3;
      if (start > base) continue;
      let status = "OK";
      if (day === 1 && n.index === 0) status = "WARNINGS: 1";
      if (day === 3 && n.index === 1 % c.nodes.length) status = "job errors";
      out.push(this.makeTask(node, "vzdump", "", "root@pam", start, start + 40 * Math.max(1, guests.length) + 17, status));
      const apt = midnight - day * DAY + 4 * 3600 + 1211;
      if (apt < base) out.push(this.makeTask(node, "aptupdate", "", "root@pam", apt, apt + 9, "OK"));
    }
    if (guests.length > 0) {
      const g = guests[0];
      const start = base - DAY + 3 * 3600;
      const status = n.index === 0
        ? `unable to create temporary directory '/mnt/pve/nfs-backup/dump/vzdump-${g.type}-${g.vmid}-${vzdumpStamp(start)}.tmp' - No space left on device`
        : "OK";
      out.push(this.makeTask(node, "vzdump", String(g.vmid), "root@pam", start, start + 95, status));
    }
    for (const g of guests) {
      if (g.status === "stopped" || g.uptime > 7 * DAY) continue;
      const start = base - g.uptime - 2;
      out.push(this.makeTask(node, g.type === "qemu" ? "qmstart" : "vzstart", String(g.vmid), "root@pam", start, start + 2, "OK"));
      if (out.length > 120) break;
    }
    if (n.uptime < 7 * DAY) out.push(this.makeTask(node, "startall", "", "root@pam", base - n.uptime + 30, base - n.uptime + 95, "OK"));
    // A guest locked for backup has a vzdump still running (visible only with source=active|all).
    for (const g of guests) {
      if (g.lock === "backup") out.push(this.makeTask(node, "vzdump", String(g.vmid), "root@pam", base - 300, undefined, "RUNNING"));
    }
    return out.sort((a, b) => b.starttime - a.starttime);
  }

  /** Full listing of a storage on a node (callers filter by content/vmid). */
  content(storage: SimStorage, node: string): object[] {
    const key = storage.shared ? storage.storage : `${storage.storage}@${node}`;
    let items = this.contentCache.get(key);
    if (!items) {
      items = this.buildContent(storage, node);
      this.contentCache.set(key, items);
    }
    return items;
  }

  private buildContent(storage: SimStorage, node: string): object[] {
    const c = this.cluster;
    const base = c.startedAt;
    const midnight = base - (base % DAY);
    const guestsHere = (pred: (g: SimGuest) => boolean) => c.guests.filter((g) => !g.template && pred(g));
    switch (storage.storage) {
      case "pbs-main":
        return this.pbsBackups(guestsHere(() => true), midnight, base);
      case "nfs-backup": {
        const allowed = new Set(storage.nodes ?? c.nodes.map((n) => n.name));
        const list = guestsHere((g) => allowed.has(g.node)).map((g, i) => this.vzdumpBackup("nfs-backup", g, midnight - 3 * DAY + 2 * 3600 + i * 37));
        // A backup whose guest has since been destroyed.
        let gone = 999;
        while (c.guest(gone)) gone += 1000;
        list.push({
          volid: `nfs-backup:backup/vzdump-qemu-${gone}-${vzdumpStamp(midnight - 20 * DAY + 7200)}.vma.zst`, content: "backup",
          format: "vma.zst", size: 5368709120, ctime: midnight - 20 * DAY + 7200, vmid: gone, subtype: "qemu", notes: "old-erp",
        });
        return list;
      }
      case "local": {
        const list: object[] = guestsHere((g) => g.node === node).slice(0, 2).map((g, i) => {
          const b = this.vzdumpBackup("local", g, midnight - DAY + 11 * 3600 + i * 600);
          if (i === 0) b.protected = 1;
          return b;
        });
        list.push(
          { volid: "local:iso/debian-12.8.0-amd64-netinst.iso", content: "iso", format: "iso", size: 661651456, ctime: base - 40 * DAY },
          { volid: "local:iso/virtio-win-0.1.262.iso", content: "iso", format: "iso", size: 709596160, ctime: base - 60 * DAY },
          { volid: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", content: "vztmpl", format: "tzst", size: 126371958, ctime: base - 50 * DAY },
          { volid: "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst", content: "vztmpl", format: "tzst", size: 141260220, ctime: base - 45 * DAY },
        );
        return list;
      }
      case "local-lvm":
      case "local-zfs":
        return this.images(storage, node);
      default:
        return [];
    }
  }

  private pbsBackups(guests: SimGuest[], midnight: number, now: number): object[] {
    const out: SimBackup[] = [];
    guests.forEach((g, i) => {
      for (let day = 2; day >= 0; day--) {
        const ctime = midnight - day * DAY + 2 * 3600 + (i % 3600);
        if (ctime > now) continue;
        const kind = g.type === "qemu" ? "vm" : "ct";
        const b: SimBackup = {
          volid: `pbs-main:backup/${kind}/${g.vmid}/${pbsStamp(ctime)}`, content: "backup", format: `pbs-${kind}`,
          size: Math.round(g.maxdisk * g.fsUsed * (g.type === "qemu" ? 1 : 0.6)), ctime, vmid: g.vmid, notes: g.name,
          verification: { state: i % 17 === 5 && day === 0 ? "failed" : "ok", upid: `UPID:pbs1:0000${hex8(hash32(g.name + day)).slice(4)}:${hex8(ctime)}:verificationjob:main\\x3av\\x2d${day}:root@pam:` },
        };
        if (day > 0 && i % 11 === 0) delete b.verification;
        if (g.vmid % 5 === 0) b.encrypted = "9c:1d:4e:0a:7b:33:5f:21:aa:10:e2:c9:4d:8b:60:11:3a:fe:72:0c:59:b8:d4:26:17:e9:85:c3:4f:a0:6d:12";
        if (i === 0 && day === 2) b.protected = 1;
        out.push(b);
      }
    });
    return out;
  }

  private vzdumpBackup(storage: string, g: SimGuest, ctime: number): SimBackup {
    const ext = g.type === "qemu" ? "vma.zst" : "tar.zst";
    return {
      volid: `${storage}:backup/vzdump-${g.type}-${g.vmid}-${vzdumpStamp(ctime)}.${ext}`, content: "backup", format: ext,
      size: Math.round(g.maxdisk * g.fsUsed * 0.45), ctime, vmid: g.vmid, subtype: g.type, notes: g.name,
    };
  }

  private images(storage: SimStorage, node: string): object[] {
    const c = this.cluster;
    const guests = c.guestsOn(node).filter((g) => g.storage === storage.storage);
    const zfs = storage.type === "zfspool";
    const template = guests.find((g) => g.template && g.type === "qemu");
    let clonedOnce = false;
    return guests.map((g) => {
      const kind = g.template ? "base" : zfs && g.type === "lxc" ? "subvol" : "vm";
      const item: Record<string, unknown> = {
        volid: `${storage.storage}:${kind}-${g.vmid}-disk-0`, content: g.type === "qemu" ? "images" : "rootdir",
        format: kind === "subvol" ? "subvol" : "raw", size: g.maxdisk, used: Math.round(g.maxdisk * g.fsUsed), vmid: g.vmid, ctime: g.ctime,
      };
      if (template && !g.template && g.type === "qemu" && !clonedOnce) {
        item.parent = `base-${template.vmid}-disk-0`;
        clonedOnce = true;
      }
      return item;
    });
  }
}
