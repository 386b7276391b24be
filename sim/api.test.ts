import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import { get } from "./test-helpers";

let sim: Simulator;
type Entry = any;
let vms: Entry[];
const byName = (name: string) => {
  const g = vms.find((v) => v.name === name);
  if (!g) throw new Error(`no guest ${name}`);
  return g;
};
const guestPath = (g: Entry, rest: string) => `/nodes/${g.node}/${g.type}/${g.vmid}${rest}`;

beforeAll(async () => {
  sim = await startSimulator({ unauthorizedDelayMs: 0, seed: 7 });
  vms = (await get(sim, "/cluster/resources?type=vm")).json.data;
});
afterAll(() => sim.close());

describe("envelope and transport", () => {
  it("wraps payloads in {data} with pveproxy headers", async () => {
    const r = await get(sim, "/version");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json;charset=UTF-8");
    expect(r.json).toEqual({ data: { version: expect.stringMatching(/^9\./), release: expect.any(String), repoid: expect.any(String) } });
  });

  it("answers unknown paths with 501 and the method in the message", async () => {
    const r = await get(sim, "/cluster/ceph/df");
    expect(r.status).toBe(501);
    expect(r.reason).toBe("Method 'GET /cluster/ceph/df' not implemented");
    expect(r.json).toEqual({ data: null, message: "Method 'GET /cluster/ceph/df' not implemented" });
    expect(r.headers.connection).toBe("close");
  });

  it("rejects the ds parameter on rrddata with 400 and per-field errors", async () => {
    const r = await get(sim, "/nodes/pve1/rrddata?cf=AVERAGE&ds=memavailable,memused,memtotal&timeframe=hour");
    expect(r.status).toBe(400);
    expect(r.reason).toBe("Parameter verification failed.");
    expect(r.json.message).toBe("Parameter verification failed.\n");
    expect(r.json.errors.ds).toMatch(/not defined in schema/);
    const ct = byName("dns01");
    const r2 = await get(sim, guestPath(ct, "/rrddata?cf=AVERAGE&ds=memavailable,memused,maxmem&timeframe=hour"));
    expect(r2.status).toBe(400);
  });

  it("serves rrddata without ds as ~70 float points", async () => {
    const r = await get(sim, "/nodes/pve1/rrddata?timeframe=hour&cf=AVERAGE");
    expect(r.status).toBe(200);
    expect(r.json.data.length).toBe(70);
    expect(r.json.data[0]).toHaveProperty("memused");
    const missing = await get(sim, "/nodes/pve1/rrddata");
    expect(missing.status).toBe(400);
    expect(missing.json.errors.timeframe).toMatch(/missing/);
  });

  it("fails the hostname lookup for unknown nodes", async () => {
    const r = await get(sim, "/nodes/pve9/status");
    expect(r.status).toBe(500);
    expect(r.reason).toMatch(/^hostname lookup 'pve9' failed/);
  });
});

describe("nodes", () => {
  it("lists nodes with stats and fingerprints", async () => {
    const r = await get(sim, "/nodes");
    expect(r.json.data).toHaveLength(3);
    const n = r.json.data[0];
    expect(n).toMatchObject({ id: "node/pve1", node: "pve1", type: "node", status: "online", level: "" });
    for (const k of ["cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "uptime"]) expect(typeof n[k]).toBe("number");
    expect(Number.isInteger(n.maxcpu)).toBe(true);
    expect(n.ssl_fingerprint).toBe(sim.fingerprint);
    expect(sim.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("reports node status with Perl quirks (string loadavg and mhz)", async () => {
    const d = (await get(sim, "/nodes/pve2/status")).json.data;
    expect(d.loadavg).toHaveLength(3);
    for (const l of d.loadavg) expect(l).toMatch(/^\d+\.\d\d$/);
    expect(typeof d.cpuinfo.mhz).toBe("string");
    expect(d.cpuinfo.hvm).toBe("1");
    expect(d.memory.total).toBe(d.memory.used + d.memory.free);
    expect(d.memory.available).toBe(d.memory.free); // PVE 9
    expect(d.rootfs).toMatchObject({ total: expect.any(Number), used: expect.any(Number), avail: expect.any(Number) });
    expect(d.pveversion).toMatch(/^pve-manager\/9\./);
    expect(d["boot-info"].secureboot).toBe(0);
  });

  it("describes the cluster with 0/1 integers", async () => {
    const d = (await get(sim, "/cluster/status")).json.data;
    expect(d[0]).toMatchObject({ type: "cluster", name: "pulse-sim", nodes: 3, quorate: 1 });
    expect(d.filter((e: Entry) => e.type === "node").map((e: Entry) => [e.name, e.online, e.local, e.ip])).toEqual([
      ["pve1", 1, 1, "127.0.0.1"],
      ["pve2", 1, 0, "127.0.0.1"],
      ["pve3", 1, 0, "127.0.0.1"],
    ]);
  });

  it("lists disks with wearout N/A for spinning disks", async () => {
    const d = (await get(sim, "/nodes/pve1/disks/list")).json.data;
    expect(d.find((x: Entry) => x.type === "hdd").wearout).toBe("N/A");
    expect(typeof d.find((x: Entry) => x.type === "nvme").wearout).toBe("number");
  });

  it("lists finished tasks newest first with total", async () => {
    const r = (await get(sim, "/nodes/pve1/tasks")).json;
    expect(typeof r.total).toBe("number");
    expect(r.data.length).toBeLessThanOrEqual(50);
    const vz = r.data.filter((t: Entry) => t.type === "vzdump");
    expect(vz.length).toBeGreaterThan(0);
    expect(vz[0].upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzdump:/);
    expect(r.data.every((t: Entry) => t.endtime !== undefined)).toBe(true);
    const active = (await get(sim, "/nodes/pve3/tasks?source=active")).json.data;
    expect(active.every((t: Entry) => t.status === "RUNNING" && t.endtime === undefined)).toBe(true);
  });
});

describe("guests", () => {
  it("returns every resource type without a filter and only guests with type=vm", async () => {
    const all = (await get(sim, "/cluster/resources")).json.data;
    expect(new Set(all.map((e: Entry) => e.type))).toEqual(new Set(["qemu", "lxc", "node", "storage", "pool", "sdn"]));
    expect(new Set(vms.map((e: Entry) => e.type))).toEqual(new Set(["qemu", "lxc"]));
    expect(vms).toHaveLength(24);
    const nodesOnly = (await get(sim, "/cluster/resources?type=node")).json.data;
    expect(nodesOnly.every((e: Entry) => e.type === "node")).toBe(true);
    expect((await get(sim, "/cluster/resources?type=bogus")).status).toBe(400);
  });

  it("uses 0/1 integers, fractional LXC maxcpu and config props", () => {
    for (const g of vms) expect([0, 1]).toContain(g.template);
    expect(byName("build01").maxcpu).toBe(1.5);
    expect(byName("tpl-debian12")).toMatchObject({ template: 1, status: "stopped" });
    expect(byName("paused01").status).toBe("paused");
    expect(byName("db01").lock).toBe("backup");
    expect(byName("web01").tags).toBe("prod;web");
    expect(byName("web01").disk).toBe(0); // qemu disk is never known
    expect(byName("dns01").disk).toBeGreaterThan(0);
    const stopped = byName("proxy01");
    expect(stopped).toMatchObject({ status: "stopped", cpu: 0, mem: 0, netin: 0, uptime: 0 });
  });

  it("serves LXC status with cpus as the config string", async () => {
    const g = byName("build01");
    const d = (await get(sim, guestPath(g, "/status/current"))).json.data;
    expect(d.cpus).toBe("1.5");
    expect(d).toMatchObject({ vmid: g.vmid, type: "lxc", status: "running", ha: { managed: 0 } });
    const conf = (await get(sim, guestPath(g, "/config"))).json.data;
    expect(conf.cpulimit).toBe("1.5");
    expect(conf.cores).toBeUndefined();
    const ifaces = (await get(sim, guestPath(g, "/interfaces"))).json.data;
    expect(ifaces[1]).toMatchObject({ name: "eth0", inet: expect.stringMatching(/\/24$/) });
    const stopped = await get(sim, guestPath(byName("proxy01"), "/interfaces"));
    expect(stopped.status).toBe(500);
  });

  it("serves qemu status/current with agent flag and balloon stats", async () => {
    const d = (await get(sim, guestPath(byName("web01"), "/status/current"))).json.data;
    expect(d).toMatchObject({ status: "running", qmpstatus: "running", agent: 1, ha: { managed: 1, state: "started" } });
    expect(d.balloon).toBe(d.maxmem);
    expect(d.freemem).toBe(d.ballooninfo.free_mem);
    expect(d.mem).toBe(d.ballooninfo.total_mem - d.ballooninfo.free_mem);
    expect(typeof d.diskread).toBe("number");
    const noBalloon = (await get(sim, guestPath(byName("db01"), "/status/current"))).json.data;
    expect(noBalloon.balloon).toBeUndefined();
    expect(noBalloon.freemem).toBeUndefined();
    const legacy = (await get(sim, guestPath(byName("legacy01"), "/status/current"))).json.data;
    expect(legacy.agent).toBeUndefined();
    const paused = (await get(sim, guestPath(byName("paused01"), "/status/current"))).json.data;
    expect(paused).toMatchObject({ status: "running", qmpstatus: "paused" });
    const stopped = (await get(sim, guestPath(byName("test01"), "/status/current"))).json.data;
    expect(stopped).toMatchObject({ status: "stopped", qmpstatus: "stopped", uptime: 0 });
    expect(stopped.pid).toBeUndefined();
    expect(stopped.diskread).toBeUndefined();
  });

  it("reports missing guests as a missing config file", async () => {
    const r = await get(sim, "/nodes/pve1/qemu/4242/status/current");
    expect(r.status).toBe(500);
    expect(r.json.message).toBe("Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist\n");
  });

  it("answers guest agent calls like qemu-server", async () => {
    const linux = (await get(sim, guestPath(byName("web01"), "/agent/get-fsinfo"))).json.data.result;
    expect(linux.map((f: Entry) => f.mountpoint)).toEqual(["/", "/boot/efi"]);
    expect(linux[0]["total-bytes"]).toBeGreaterThan(linux[0]["used-bytes"]);
    const docker = (await get(sim, guestPath(byName("db01"), "/agent/get-fsinfo"))).json.data.result;
    expect(docker.some((f: Entry) => f.type === "overlay" && f.mountpoint.startsWith("/var/lib/docker/"))).toBe(true);
    expect(docker.some((f: Entry) => f.type === "squashfs" && f.mountpoint.startsWith("/snap/"))).toBe(true);
    const win = (await get(sim, guestPath(byName("win-srv01"), "/agent/get-fsinfo"))).json.data.result;
    expect(win.map((f: Entry) => f.mountpoint)).toEqual(["System Reserved", "C:\\", "D:\\"]);
    expect(win[2]["total-bytes"]).toBeUndefined();
    const os = (await get(sim, guestPath(byName("win-srv01"), "/agent/get-osinfo"))).json.data.result;
    expect(os.id).toBe("mswindows");
    const nics = (await get(sim, guestPath(byName("web01"), "/agent/network-get-interfaces"))).json.data.result;
    expect(nics[1]["ip-addresses"][0]["ip-address-type"]).toBe("ipv4");
    const info = (await get(sim, guestPath(byName("web01"), "/agent/info"))).json.data.result;
    expect(info.supported_commands.length).toBeGreaterThan(5);

    const notRunning = await get(sim, guestPath(byName("app01"), "/agent/get-fsinfo"));
    expect(notRunning.status).toBe(500);
    expect(notRunning.reason).toBe("QEMU guest agent is not running");
    expect(notRunning.json).toEqual({ data: null, message: "QEMU guest agent is not running\n" });
    const none = await get(sim, guestPath(byName("legacy01"), "/agent/get-fsinfo"));
    expect(none.reason).toBe("No QEMU guest agent configured");
    const stopped = await get(sim, guestPath(byName("test01"), "/agent/get-fsinfo"));
    expect(stopped.reason).toBe(`VM ${byName("test01").vmid} is not running`);
  });

  it("lists per-node guests and snapshots with the current pseudo entry", async () => {
    const list = (await get(sim, "/nodes/pve1/qemu")).json.data;
    expect(list.every((v: Entry) => v.status === "running" || v.status === "stopped")).toBe(true);
    expect(list.some((v: Entry) => v.diskread !== undefined)).toBe(false);
    const full = (await get(sim, "/nodes/pve1/qemu?full=1")).json.data;
    expect(full.some((v: Entry) => v.qmpstatus === "paused")).toBe(true);
    const lxc = (await get(sim, "/nodes/pve1/lxc")).json.data;
    expect(lxc.find((c: Entry) => c.name === "build01").cpus).toBe("1.5");
    const snaps = (await get(sim, guestPath(byName("web01"), "/snapshot"))).json.data;
    expect(snaps[snaps.length - 1]).toMatchObject({ name: "current", description: "You are here!", running: 1 });
  });
});

describe("storage", () => {
  it("lists the datacenter config with nodes/shared/disable", async () => {
    const d = (await get(sim, "/storage")).json.data;
    const ids = d.map((s: Entry) => s.storage);
    expect(ids).toEqual(expect.arrayContaining(["local", "local-lvm", "local-zfs", "nfs-backup", "pbs-main", "nfs-archive", "cifs-old"]));
    expect(d.find((s: Entry) => s.storage === "cifs-old").disable).toBe(1);
    expect(d.find((s: Entry) => s.storage === "nfs-backup")).toMatchObject({ shared: 1, nodes: "pve1,pve2" });
    expect(d[0].active).toBeUndefined();
  });

  it("reports per-node status including inactive and disabled storages", async () => {
    const d = (await get(sim, "/nodes/pve3/storage")).json.data;
    const by = (id: string) => d.find((s: Entry) => s.storage === id);
    expect(by("local")).toMatchObject({ enabled: 1, active: 1, shared: 0 });
    expect(by("local").used_fraction).toBeGreaterThan(0);
    expect(by("nfs-archive")).toMatchObject({ enabled: 1, active: 0, total: 0, used: 0, avail: 0 });
    expect(by("nfs-archive").used_fraction).toBeUndefined();
    expect(by("cifs-old")).toMatchObject({ enabled: 0, active: 0 });
    expect(by("nfs-backup")).toMatchObject({ enabled: 0, active: 0 }); // restricted to pve1,pve2
  });

  it("lists storage content with content set on every item", async () => {
    const pbs = (await get(sim, "/nodes/pve1/storage/pbs-main/content")).json.data;
    expect(pbs.length).toBeGreaterThan(0);
    expect(pbs.every((i: Entry) => i.content === "backup" && i.format.startsWith("pbs-"))).toBe(true);
    const local = (await get(sim, "/nodes/pve1/storage/local/content")).json.data;
    expect(new Set(local.map((i: Entry) => i.content))).toEqual(new Set(["backup", "iso", "vztmpl"]));
    const images = (await get(sim, "/nodes/pve1/storage/local-lvm/content")).json.data;
    expect(images.every((i: Entry) => i.content === "images" || i.content === "rootdir")).toBe(true);
    const offline = await get(sim, "/nodes/pve1/storage/nfs-archive/content");
    expect(offline.status).toBe(500);
    expect(offline.reason).toBe("storage 'nfs-archive' is not online");
  });

  it("keeps replication config and per-job status", async () => {
    const jobs = (await get(sim, "/cluster/replication")).json.data;
    expect(jobs.length).toBeGreaterThan(0);
    const st = (await get(sim, `/nodes/${jobs[0].source}/replication/${jobs[0].id}/status`)).json.data;
    expect(st).toMatchObject({ id: jobs[0].id, fail_count: 0 });
    expect(st.state).toBeUndefined();
  });
});

describe("standalone and PVE 8", () => {
  it("has a single node without a cluster entry", async () => {
    const s = await startSimulator({ clusterName: null, unauthorizedDelayMs: 0, pveVersion: 8, guests: 6 });
    try {
      const st = (await get(s, "/cluster/status")).json.data;
      expect(st).toEqual([{ type: "node", id: "node/pve1", name: "pve1", ip: "127.0.0.1", nodeid: 0, local: 1, online: 1, level: "" }]);
      const status = (await get(s, "/nodes/pve1/status")).json.data;
      expect(status.memory.available).toBeUndefined();
      expect(status.pveversion).toMatch(/^pve-manager\/8\./);
      const vmsPve8 = (await get(s, "/cluster/resources?type=vm")).json.data;
      expect(vmsPve8.some((g: Entry) => "memhost" in g)).toBe(false);
      expect((await get(s, "/cluster/replication")).json.data).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
