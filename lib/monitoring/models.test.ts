import { describe, expect, it } from "vitest";
import {
  AgentNetworkInterfacesSchema,
  ClusterVmResourcesSchema,
  LxcInterfacesSchema,
  NodeListSchema,
  NodeStatusSchema,
  NodeStorageSchema,
  QemuStatusSchema,
} from "../proxmox/schemas";
import { cleanAddress, fromAgentInterfaces, fromLxcConfig, fromLxcInterfaces, normalizeTags } from "./guest-network";
import { buildContainer, isOciTemplate } from "./lxc-guests";
import { kernelRelease, nodeMemory, offlineNode, onlineNode, type NodeContext } from "./node-model";
import { agentErrorReason, buildVm } from "./qemu-guests";
import { ZERO_RATES } from "./rate-tracker";
import { buildStorage, storageStatus } from "./storage-model";
import { allocatedOnlyDisk } from "./usage";

const GiB = 1024 ** 3;
const ctx = { instance: "lab", now: () => 1000, rates: () => ZERO_RATES };

describe("node model", () => {
  const status = (memory: object) =>
    NodeStatusSchema.parse({
      cpu: 0.25,
      loadavg: ["0.50", "0.40", "0.30"],
      memory,
      rootfs: { total: 100, used: 25, avail: 70, free: 75 },
      kversion: "Linux 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4 (2024-11-06T15:04Z)",
      pveversion: "pve-manager/8.3.0/c1689ccb1065a83b",
      cpuinfo: { model: "EPYC", cores: 16, sockets: 1, cpus: 32, mhz: "3000.000" },
      uptime: 99,
    });

  it("uses memory.available on PVE 9 and free on PVE 8", () => {
    expect(nodeMemory(status({ total: 100 * GiB, used: 60 * GiB, free: 40 * GiB, available: 70 * GiB })).used).toBe(30 * GiB);
    expect(nodeMemory(status({ total: 100 * GiB, used: 60 * GiB, free: 40 * GiB })).used).toBe(60 * GiB);
  });

  it("shapes an online node like Pulse", () => {
    const c: NodeContext = { instance: "lab", idPrefix: "prod", isCluster: true, clusterName: "prod", host: "https://pve1:8006", now: 5 };
    const [entry] = NodeListSchema.parse([{ node: "pve1", status: "online", cpu: 0.1, maxcpu: 32, mem: 1, maxmem: 2, maxdisk: 100, disk: 20, uptime: 7 }]);
    const n = onlineNode(c, entry, status({ total: 100, used: 50, free: 50 }), undefined);
    expect(n).toMatchObject({
      id: "prod-pve1",
      node: "pve1",
      instance: "lab",
      host: "https://pve1:8006",
      status: "online",
      cpu: 0.25,
      mem: 50,
      maxmem: 100,
      disk: { total: 100, used: 25, free: 70, usage: 25 },
      uptime: 99,
      loadAverage: [0.5, 0.4, 0.3],
      kernelVersion: "6.8.12-4-pve",
      pveVersion: "pve-manager/8.3.0/c1689ccb1065a83b",
      cpuInfo: { model: "EPYC", cores: 16, sockets: 1, mhz: "3000.000" },
      connectionHealth: "healthy",
      isClusterMember: true,
      clusterName: "prod",
      lastSeen: 5,
    });
    const degraded = onlineNode(c, entry, undefined, n);
    expect(degraded).toMatchObject({ connectionHealth: "degraded", cpu: 0.1, mem: 50, kernelVersion: "6.8.12-4-pve" });
    expect(offlineNode({ ...c, now: 99 }, entry, n)).toMatchObject({ status: "offline", cpu: 0, connectionHealth: "error", lastSeen: 5 });
    expect(kernelRelease(NodeStatusSchema.parse({ kversion: "Linux 6.2.16-3-pve #1 SMP" }))).toBe("6.2.16-3-pve");
  });
});

describe("VM model", () => {
  const [res] = ClusterVmResourcesSchema.parse([
    { vmid: 100, type: "qemu", node: "pve1", status: "running", name: "web01", maxcpu: 4, cpu: 0.03, maxmem: 8 * GiB, mem: 2 * GiB, maxdisk: 32 * GiB, tags: "prod;web" },
  ]);

  it("computes used memory as maxmem − freemem when the balloon driver reports", () => {
    const st = QemuStatusSchema.parse({ status: "running", qmpstatus: "running", cpu: 0.05, cpus: 4, maxmem: 8 * GiB, mem: 3 * GiB, freemem: 5 * GiB, balloon: 8 * GiB, agent: 1 });
    const vm = buildVm(ctx, "lab:pve1:100", res, st, { disk: allocatedOnlyDisk(res.maxdisk), reason: "agent-not-running" }, undefined);
    expect(vm).toMatchObject({
      id: "lab:pve1:100",
      type: "qemu",
      cpu: 0.05,
      cpus: 4,
      mem: 3 * GiB,
      maxmem: 8 * GiB,
      memory: { total: 8 * GiB, used: 3 * GiB, free: 5 * GiB, usage: 37.5, balloon: 8 * GiB },
      disk: { total: 32 * GiB, used: 0, free: 32 * GiB, usage: -1 },
      diskStatusReason: "agent-not-running",
      tags: "prod,web",
      template: false,
    });
    const noBalloon = buildVm(ctx, "x", res, QemuStatusSchema.parse({ status: "running", maxmem: 8 * GiB, mem: 1 * GiB }), { disk: allocatedOnlyDisk(0) }, undefined);
    expect(noBalloon.mem).toBe(1 * GiB);
  });

  it("zeroes activity of paused and stopped VMs", () => {
    const paused = buildVm(
      { ...ctx, rates: () => ({ diskRead: 1, diskWrite: 1, networkIn: 1, networkOut: 1 }) },
      "x",
      res,
      QemuStatusSchema.parse({ status: "running", qmpstatus: "paused", cpu: 0.5, maxmem: 8 * GiB, mem: 1 * GiB }),
      { disk: allocatedOnlyDisk(0) },
      undefined,
    );
    expect(paused).toMatchObject({ status: "paused", cpu: 0, mem: 0, networkIn: 0, diskWrite: 0 });
  });

  it("maps guest-agent errors to Pulse's disk status reasons", () => {
    const e = (kind: "api_error" | "timeout" | "permission_denied", message: string) => agentErrorReason({ kind, message });
    expect(e("api_error", "QEMU guest agent is not running")).toBe("agent-not-running");
    expect(e("api_error", "No QEMU guest agent configured")).toBe("agent-disabled");
    expect(e("api_error", "VM 100 qga command 'guest-get-fsinfo' failed - got timeout")).toBe("agent-timeout");
    expect(e("timeout", "no complete answer")).toBe("agent-timeout");
    expect(e("permission_denied", "Permission check failed (/vms/100, VM.GuestAgent.Audit)")).toBe("permission-denied");
    expect(e("api_error", "The command guest-get-fsinfo has not been found")).toBe("agent-error");
  });
});

describe("container model", () => {
  it("clamps cgroup memory, synthesises the rootfs disk, reads config addresses and OCI templates", () => {
    const [res] = ClusterVmResourcesSchema.parse([
      { vmid: 200, type: "lxc", node: "pve1", status: "running", name: "dns01", maxcpu: "1.5", cpu: 0.01, maxmem: 1 * GiB, mem: 2 * GiB, maxdisk: 8 * GiB, disk: 2 * GiB, tags: "infra" },
    ]);
    const config = {
      net0: "name=eth0,bridge=vmbr0,hwaddr=bc:24:11:2a:3b:4c,ip=10.0.10.53/24,gw=10.0.10.1,ip6=fe80::1/64,type=veth",
      net1: "name=eth1,bridge=vmbr1,ip=dhcp",
      rootfs: "local-lvm:vm-200-disk-0,size=8G",
      ostemplate: "local:vztmpl/docker.io_library_nginx_latest.oci.tar",
      ostype: "debian",
    };
    const ct = buildContainer(ctx, "lab:pve1:200", res, config, fromLxcConfig(config));
    expect(ct).toMatchObject({
      type: "oci",
      isOci: true,
      cpus: 1.5,
      memory: { total: 1 * GiB, used: 1 * GiB, usage: 100 },
      disk: { total: 8 * GiB, used: 2 * GiB, usage: 25 },
      disks: [{ mountpoint: "/", type: "rootfs", device: "local-lvm:vm-200-disk-0" }],
      ipAddresses: ["10.0.10.53"],
      tags: "infra",
    });
    expect(ct.networkInterfaces?.map((i) => i.name)).toEqual(["eth0", "eth1"]);
    expect(isOciTemplate({ ostemplate: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst" })).toBe(false);
  });
});

describe("guest network", () => {
  it("normalises tags", () => {
    expect(normalizeTags("prod;web")).toBe("prod,web");
    expect(normalizeTags("a, b c")).toBe("a,b,c");
    expect(normalizeTags("")).toBeUndefined();
  });

  it("drops loopback and link-local addresses", () => {
    const agent = AgentNetworkInterfacesSchema.parse({
      result: [
        { name: "lo", "ip-addresses": [{ "ip-address": "127.0.0.1", "ip-address-type": "ipv4", prefix: 8 }] },
        {
          name: "ens18",
          "hardware-address": "bc:24:11:5e:7a:01",
          "ip-addresses": [
            { "ip-address": "10.0.10.21", "ip-address-type": "ipv4", prefix: 24 },
            { "ip-address": "fe80::be24:11ff:fe5e:7a01", "ip-address-type": "ipv6", prefix: 64 },
            { "ip-address": "2001:db8::21", "ip-address-type": "ipv6", prefix: 64 },
          ],
          statistics: { "rx-bytes": 5, "tx-bytes": 6 },
        },
      ],
    });
    expect(fromAgentInterfaces(agent)).toEqual({
      ipAddresses: ["10.0.10.21", "2001:db8::21"],
      networkInterfaces: [{ name: "ens18", mac: "bc:24:11:5e:7a:01", addresses: ["10.0.10.21", "2001:db8::21"], rxBytes: 5, txBytes: 6 }],
    });
    const lxc = LxcInterfacesSchema.parse([
      { name: "lo", inet: "127.0.0.1/8" },
      { name: "eth0", hwaddr: "bc:24:11:2a:3b:4c", inet: "10.0.10.53/24", inet6: "fe80::1/64" },
    ]);
    expect(fromLxcInterfaces(lxc).ipAddresses).toEqual(["10.0.10.53"]);
    expect(cleanAddress("dhcp")).toBeUndefined();
    expect(cleanAddress("169.254.1.1")).toBeUndefined();
  });
});

describe("storage model", () => {
  const sctx = { instance: "lab", allNodes: ["pve1", "pve2"], nodeId: (n: string) => `lab-${n}` };
  const entries = NodeStorageSchema.parse([
    { storage: "local", type: "dir", content: "backup,iso,vztmpl", shared: 0, enabled: 1, active: 1, total: 100, used: 25, avail: 75 },
    { storage: "nfs-backup", type: "nfs", content: "backup", shared: 1, enabled: 1, active: 0, total: 0, used: 0, avail: 0 },
    { storage: "old-iscsi", type: "iscsi", content: "images", shared: 1, enabled: 0, active: 0, total: 0, used: 0, avail: 0 },
    { storage: "weird", type: "dir", enabled: 1, active: 1, total: 0 },
  ]);

  it("derives status and keeps inactive/disabled storages visible", () => {
    expect(entries.map(storageStatus)).toEqual(["available", "inactive", "disabled", "available"]);
    const built = entries.map((e) => buildStorage(sctx, "pve1", e, e.storage === "nfs-backup" ? { storage: "nfs-backup", type: "nfs", content: "backup", shared: true, disable: false, path: undefined, nodes: ["pve1"] } : undefined));
    expect(built[0]).toMatchObject({ id: "lab-pve1-local", usage: 25, free: 75, shared: false, nodes: ["pve1"], nodeIds: ["lab-pve1"], nodeCount: 1 });
    expect(built[1]).toMatchObject({ status: "inactive", shared: true, nodes: ["pve1"], usage: 0, active: false });
    expect(built[2]).toMatchObject({ status: "disabled", enabled: false, nodes: ["pve1", "pve2"] });
    expect(built[3]).toBeUndefined();
  });
});
