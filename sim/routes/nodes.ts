/** /nodes and the per-node calls that pveproxy proxies to {node} (node status, rrd, disks, tasks). */
import { VERSIONS } from "../cluster";
import { envelope, failure } from "../http";
import { nodeRrd } from "../rrd";
import { Raw, truthy, type Route } from "../router";
import { nodeStats, nodeStatusWord } from "./cluster";
import { dirIndex, nodePath, requirePriv } from "./common";

const CPU_FLAGS =
  "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl umip rdpid overflow_recov succor smca sev sev_es";

const HOUR = 3600;

export const nodeRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/nodes",
    params: { allowed: [] },
    handler: (ctx) => {
      const c = ctx.cluster;
      return new Raw(
        c.cached(`nodes|${ctx.principal.cacheKey}`, () =>
          envelope(
            c.nodes.map((n) => {
              const e: Record<string, unknown> = { id: `node/${n.name}`, node: n.name, type: "node", status: nodeStatusWord(c, n) };
              if (ctx.principal.can(nodePath(n.name), "Sys.Audit")) {
                if (c.isOnline(n) || !c.isExpired(n)) e.level = n.level;
                nodeStats(c, n, e);
              }
              e.ssl_fingerprint = n.fingerprint;
              return e;
            }),
          ),
        ),
      );
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}",
    params: { allowed: [] },
    handler: () =>
      dirIndex("name", ["apt", "capabilities", "ceph", "certificates", "config", "disks", "dns", "firewall", "hardware", "hosts", "lxc", "network", "qemu", "replication", "rrd", "rrddata", "scan", "sdn", "services", "status", "storage", "subscription", "syslog", "tasks", "time", "version", "vzdump"]),
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/status",
    params: { allowed: [] },
    handler: (ctx) => {
      requirePriv(ctx, nodePath(ctx.params.node), "Sys.Audit");
      const c = ctx.cluster;
      const n = c.node(ctx.params.node)!;
      const v = VERSIONS[c.pveVersion];
      const memory: Record<string, number> = { total: n.maxmem, used: n.memUsed, free: n.maxmem - n.memUsed };
      if (c.pveVersion >= 9) memory.available = n.maxmem - n.memUsed;
      return {
        uptime: n.uptime,
        idle: 0,
        cpu: n.cpu,
        wait: n.wait,
        // Perl formats the load averages with sprintf, so they are strings.
        loadavg: n.load.map((l) => l.toFixed(2)),
        cpuinfo: { model: n.cpuModel, sockets: n.sockets, cores: n.cores, cpus: n.threads, mhz: n.mhz, hvm: "1", user_hz: 100, flags: CPU_FLAGS },
        memory,
        swap: { total: n.swapTotal, used: n.swapUsed, free: n.swapTotal - n.swapUsed },
        ksm: { shared: 0 },
        rootfs: { total: n.rootTotal, used: n.rootUsed, avail: Math.round((n.rootTotal - n.rootUsed) * 0.94), free: n.rootTotal - n.rootUsed },
        kversion: `Linux ${n.kernel} ${v.kbuild}`,
        "current-kernel": { sysname: "Linux", release: n.kernel, version: v.kbuild, machine: "x86_64" },
        "boot-info": { mode: "efi", secureboot: 0 },
        pveversion: `pve-manager/${v.version}/${v.repoid}`,
      };
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/version",
    params: { allowed: [] },
    handler: (ctx) => {
      const v = VERSIONS[ctx.cluster.pveVersion];
      return { version: v.version, release: v.release, repoid: v.repoid };
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/rrddata",
    params: {
      allowed: ["timeframe", "cf"],
      required: ["timeframe"],
      enums: { timeframe: ["hour", "day", "week", "month", "year", "decade"], cf: ["AVERAGE", "MAX"] },
    },
    handler: (ctx) => {
      requirePriv(ctx, nodePath(ctx.params.node), "Sys.Audit");
      return nodeRrd(ctx.cluster, ctx.cluster.node(ctx.params.node)!, ctx.args.timeframe);
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/disks/list",
    params: { allowed: ["include-partitions", "skipsmart", "type"], booleans: ["include-partitions", "skipsmart"], enums: { type: ["unused", "journal_disks"] } },
    handler: (ctx) => {
      requirePriv(ctx, nodePath(ctx.params.node), "Sys.Audit");
      const n = ctx.cluster.node(ctx.params.node)!;
      const skipSmart = truthy(ctx.args.skipsmart);
      return n.disks.map((d) => {
        const e: Record<string, unknown> = {
          devpath: d.devpath, type: d.type, size: d.size, model: d.model, serial: d.serial, vendor: d.vendor, wwn: d.wwn,
          health: skipSmart ? "UNKNOWN" : d.health, wearout: d.wearout, rpm: d.rpm, gpt: d.gpt, osdid: -1, "osdid-list": null,
          by_id_link: `/dev/disk/by-id/${d.type === "nvme" ? "nvme" : "ata"}-${d.model.replace(/\s+/g, "_")}_${d.serial}`,
        };
        if (d.used) e.used = d.used;
        return e;
      });
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/tasks",
    params: {
      allowed: ["start", "limit", "typefilter", "vmid", "userfilter", "errors", "source", "since", "until", "statusfilter"],
      integers: ["start", "limit", "vmid", "since", "until"],
      booleans: ["errors"],
      enums: { source: ["archive", "active", "all"] },
    },
    handler: (ctx) => {
      const a = ctx.args;
      const seeAll = ctx.principal.can(nodePath(ctx.params.node), "Sys.Audit");
      const source = a.source ?? "archive";
      const errors = truthy(a.errors);
      const since = a.since !== undefined ? Number(a.since) : undefined;
      const until = a.until !== undefined ? Number(a.until) : undefined;
      const statuses = a.statusfilter?.split(/[,;\s]+/).filter(Boolean);
      const matched = ctx.history.tasks(ctx.params.node).filter((t) => {
        const running = t.endtime === undefined;
        if (source === "archive" && running) return false;
        if (source === "active" && !running) return false;
        if (!seeAll && t.user !== ctx.principal.userid) return false;
        if (a.typefilter && t.type !== a.typefilter) return false;
        if (a.vmid && t.id !== a.vmid) return false;
        if (a.userfilter && !t.user.includes(a.userfilter)) return false;
        if (errors && (t.status === "OK" || running)) return false;
        if (since !== undefined && t.starttime < since) return false;
        if (until !== undefined && t.starttime > until) return false;
        if (statuses) {
          const kind = running ? "running" : t.status === "OK" ? "ok" : t.status.startsWith("WARNINGS") ? "warning" : "error";
          if (!statuses.includes(kind)) return false;
        }
        return true;
      });
      const start = Number(a.start ?? 0);
      const limit = Number(a.limit ?? 50);
      return new Raw(envelope(matched.slice(start, start + limit), { total: matched.length }));
    },
  },
  {
    method: "GET",
    pattern: "/nodes/{node}/replication/{id}/status",
    params: { allowed: [] },
    handler: (ctx) => {
      const c = ctx.cluster;
      const job = c.replication.find((j) => j.id === ctx.params.id && j.source === ctx.params.node);
      if (!job) throw failure(`no such replication job '${ctx.params.id}'`);
      requirePriv(ctx, `/vms/${job.guest}`, "VM.Audit");
      const now = c.nowSec();
      const slot = now - (now % 900);
      const g = c.guest(job.guest)!;
      const e: Record<string, unknown> = {
        id: job.id, guest: job.guest, jobnum: job.jobnum, type: "local", target: job.target, source: job.source, schedule: job.schedule, vmtype: g.type,
      };
      if (job.rate !== undefined) e.rate = job.rate;
      if (job.comment !== undefined) e.comment = job.comment;
      if (job.disable) e.disable = 1;
      if (job.failing) {
        Object.assign(e, {
          last_sync: slot - 6 * HOUR, last_try: slot, next_sync: slot + 1800, duration: 3.21, fail_count: 3,
          error: `command 'set -o pipefail && pvesm export local-zfs:vm-${job.guest}-disk-0 zfs - -with-snapshots 1 -snapshot __replicate_${job.id}_${slot}__' failed: exit code 255`,
        });
      } else if (!job.disable) {
        Object.assign(e, { last_sync: slot, last_try: slot, next_sync: slot + 900, duration: 4.87, fail_count: 0 });
      } else {
        Object.assign(e, { last_sync: slot - 3 * 86400, last_try: slot - 3 * 86400, duration: 5.02, fail_count: 0 });
      }
      return e;
    },
  },
];
