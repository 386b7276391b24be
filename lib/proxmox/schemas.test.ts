import { describe, expect, it } from "vitest";
import {
  AgentFsInfoSchema,
  ClusterStatusSchema,
  ClusterVmResourcesSchema,
  LxcConfigSchema,
  NodeListSchema,
  NodeStatusSchema,
  NodeStorageSchema,
  QemuStatusSchema,
  StorageConfigSchema,
} from "./schemas";

// Fixtures are the examples of the real API (pve-api.md §3).

describe("PVE schemas", () => {
  it("node status: loadavg and mhz strings, PVE 8 memory without `available`", () => {
    const s = NodeStatusSchema.parse({
      uptime: 1814400,
      cpu: 0.0734,
      wait: 0.0012,
      loadavg: ["1.25", "1.10", "0.98"],
      cpuinfo: { model: "AMD EPYC 7302P 16-Core Processor", sockets: 1, cores: 16, cpus: 32, mhz: "3000.000", hvm: "1" },
      memory: { total: 134956859392, used: 48318382080, free: 86638477312 },
      rootfs: { total: 100861726720, used: 12884901888, avail: 82866999296, free: 87976824832 },
      kversion: "Linux 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4 (2024-11-06T15:04Z)",
      "current-kernel": { sysname: "Linux", release: "6.8.12-4-pve" },
      "boot-info": { mode: "efi", secureboot: 0 },
      pveversion: "pve-manager/8.3.0/c1689ccb1065a83b",
    });
    expect(s.loadavg).toEqual([1.25, 1.1, 0.98]);
    expect(s.cpuinfo.mhz).toBe("3000.000");
    expect(s.memory.available).toBeUndefined();
    expect(s["current-kernel"]?.release).toBe("6.8.12-4-pve");
    expect(s.swap).toEqual({ total: 0, used: 0, free: 0 });
  });

  it("node list: offline node without live stats", () => {
    const list = NodeListSchema.parse([
      { id: "node/pve1", node: "pve1", type: "node", status: "online", cpu: 0.07, maxcpu: 32, mem: 1, maxmem: 2, uptime: 5 },
      { id: "node/pve3", node: "pve3", type: "node", status: "offline", maxcpu: 16 },
      { id: "node/x", type: "node" },
    ]);
    expect(list).toHaveLength(2);
    expect(list[1]).toMatchObject({ node: "pve3", status: "offline", cpu: 0, mem: 0, uptime: 0, maxcpu: 16 });
  });

  it("cluster resources: fractional maxcpu, unknown guests without name, 0/1 template", () => {
    const list = ClusterVmResourcesSchema.parse([
      { id: "qemu/100", vmid: 100, type: "qemu", node: "pve1", status: "running", name: "web01", template: 0, maxcpu: 4, cpu: 0.03, tags: "prod;web" },
      { id: "lxc/201", vmid: 201, type: "lxc", node: "pve1", status: "stopped", name: "build01", template: 0, maxcpu: 1.5 },
      { id: "qemu/9000", vmid: 9000, type: "qemu", node: "pve1", status: "stopped", template: 1 },
      { id: "qemu/300", vmid: 300, type: "qemu", node: "pve3", status: "unknown", tags: "lab" },
      { id: "storage/pve1/local", type: "storage", node: "pve1", storage: "local" },
    ]);
    expect(list.map((r) => r.vmid)).toEqual([100, 201, 9000, 300]);
    expect(list[1].maxcpu).toBe(1.5);
    expect(list[2].template).toBe(true);
    expect(list[3]).toMatchObject({ cpu: 0, netin: 0, status: "unknown" });
    expect(list[3].name).toBeUndefined();
  });

  it("qemu status/current: stopped VM without counters, agent flag", () => {
    const stopped = QemuStatusSchema.parse({ status: "stopped", qmpstatus: "stopped", cpus: 2, maxmem: 4294967296, ha: { managed: 0 } });
    expect(stopped).toMatchObject({ agent: 0, diskread: 0 });
    expect(stopped.freemem ?? stopped.balloon).toBeUndefined();
    expect(QemuStatusSchema.parse({ status: "running", agent: 1 }).agent).toBe(1);
    expect(QemuStatusSchema.parse({ status: "running", agent: { enabled: 1, available: 1 } }).agent).toBe(1);
    expect(QemuStatusSchema.parse({ status: "running", agent: "1,fstrim_cloned_disks=1" }).agent).toBe(1);
  });

  it("agent fsinfo: unwraps `result`, tolerates entries without sizes", () => {
    const fs = AgentFsInfoSchema.parse({
      result: [
        { name: "\\\\?\\Volume{3c1a}\\", mountpoint: "C:\\", type: "NTFS", "total-bytes": 100, "used-bytes": 40, disk: [{ "bus-type": "scsi", dev: "" }] },
        { name: "cd", mountpoint: "D:\\", type: "CDFS" },
      ],
    });
    expect(fs).toHaveLength(2);
    expect(fs[1]["total-bytes"]).toBeUndefined();
    expect(fs[1].disk).toEqual([]);
  });

  it("cluster status: standalone and clustered", () => {
    const c = ClusterStatusSchema.parse([
      { type: "cluster", id: "cluster", name: "prod", nodes: 3, quorate: 1, version: 7 },
      { type: "node", id: "node/pve1", name: "pve1", ip: "10.0.0.11", nodeid: 1, local: 1, online: 1, level: "" },
    ]);
    expect(c[0].quorate).toBe(true);
    expect(c[1]).toMatchObject({ online: true, ip: "10.0.0.11" });
  });

  it("storage: 0/1 ints, missing sizes of inactive storage, config `nodes` list", () => {
    const s = NodeStorageSchema.parse([
      { storage: "nfs-backup", type: "nfs", content: "backup", shared: 1, enabled: 1, active: 0, total: 0, used: 0, avail: 0 },
      { storage: "old-iscsi", type: "iscsi", content: "images", shared: 1, enabled: 0, active: 0 },
    ]);
    expect(s[0]).toMatchObject({ shared: true, enabled: true, active: false });
    expect(s[1]).toMatchObject({ enabled: false, total: 0 });
    const cfg = StorageConfigSchema.parse([{ storage: "nfs-backup", type: "nfs", nodes: "pve1,pve2", shared: 1 }, { storage: "x", disable: 1 }]);
    expect(cfg[0].nodes).toEqual(["pve1", "pve2"]);
    expect(cfg[1].disable).toBe(true);
    expect(cfg[1].nodes).toBeUndefined();
  });

  it("lxc config: numbers become strings, nested values dropped", () => {
    expect(LxcConfigSchema.parse({ cores: 2, net0: "name=eth0,ip=dhcp", digest: "x", lxc: [["a", "b"]] })).toEqual({
      cores: "2",
      net0: "name=eth0,ip=dhcp",
      digest: "x",
    });
  });

  it("rejects a non-list where a list is expected", () => {
    expect(NodeListSchema.safeParse({ node: "pve1" }).success).toBe(false);
    expect(NodeListSchema.parse(null)).toEqual([]);
  });
});
