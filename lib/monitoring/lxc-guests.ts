/**
 * One container per cycle: metrics from `/cluster/resources` (the RRD refinement Pulse tries
 * never works on real PVE), addresses from the cached `/lxc/{vmid}/config` and, when the
 * config has none (DHCP), from `/lxc/{vmid}/interfaces`.
 */
import type { PveClusterVmResource, PveLxcConfig } from "../proxmox/schemas";
import type { Container, DiskUsage } from "../state/models";
import { guestId, jitterMs, type GuestContext } from "./guest-context";
import { fromLxcConfig, fromLxcInterfaces, normalizeTags, type GuestAddresses } from "./guest-network";
import { ZERO_RATES } from "./rate-tracker";
import { diskUsage, memoryUsage } from "./usage";

const CONFIG_TTL_MS = 3 * 60_000;
const CONFIG_JITTER_MS = 60_000;
const INTERFACES_TTL_MS = 60_000;

interface ContainerMetadata {
  config?: PveLxcConfig;
  configExpiresAt: number;
  interfaces?: GuestAddresses;
  interfacesExpiresAt: number;
}

export class LxcGuestCollector {
  private readonly metadata = new Map<string, ContainerMetadata>();

  async collect(ctx: GuestContext, res: PveClusterVmResource): Promise<Container> {
    const id = guestId(ctx.instance, res.node, res.vmid);
    const meta = this.metadata.get(id) ?? { configExpiresAt: 0, interfacesExpiresAt: 0 };
    this.metadata.set(id, meta);
    const now = ctx.now();
    if (now >= meta.configExpiresAt) {
      const cfg = await ctx.limit(() => ctx.api.getLxcConfig(res.node, res.vmid, { signal: ctx.signal }));
      if (cfg.ok) {
        meta.config = cfg.data;
        meta.configExpiresAt = now + CONFIG_TTL_MS + jitterMs(res.vmid, CONFIG_JITTER_MS);
      }
    }
    let addresses = meta.config ? fromLxcConfig(meta.config) : undefined;
    if (res.status === "running" && !addresses?.ipAddresses.length) {
      if (now >= meta.interfacesExpiresAt) {
        const ifs = await ctx.limit(() => ctx.api.getLxcInterfaces(res.node, res.vmid, { signal: ctx.signal }));
        if (ifs.ok) {
          meta.interfaces = fromLxcInterfaces(ifs.data);
          meta.interfacesExpiresAt = now + INTERFACES_TTL_MS;
        }
      }
      if (meta.interfaces?.ipAddresses.length) addresses = mergeAddresses(addresses, meta.interfaces);
    }
    return buildContainer(ctx, id, res, meta.config, addresses);
  }

  retain(liveIds: ReadonlySet<string>): void {
    for (const id of this.metadata.keys()) if (!liveIds.has(id)) this.metadata.delete(id);
  }
}

/** Config interfaces carry names/MACs; runtime interfaces carry the DHCP addresses. */
function mergeAddresses(fromConfig: GuestAddresses | undefined, runtime: GuestAddresses): GuestAddresses {
  if (!fromConfig) return runtime;
  const byName = new Map(runtime.networkInterfaces.map((i) => [i.name, i]));
  const networkInterfaces = fromConfig.networkInterfaces.map((i) => {
    const live = byName.get(i.name);
    byName.delete(i.name);
    return live ? { ...i, mac: i.mac || live.mac.toUpperCase(), addresses: live.addresses } : i;
  });
  return { ipAddresses: runtime.ipAddresses, networkInterfaces: networkInterfaces.concat([...byName.values()]) };
}

/** OCI application containers (PVE 9.1+) are created from an OCI image template. */
export function isOciTemplate(config: PveLxcConfig | undefined): boolean {
  const t = config?.ostemplate?.toLowerCase() ?? "";
  return /(^|[:/])oci[:/]|\.oci(\.|$)|oci-archive|^docker:\/\//.test(t) || (config?.entrypoint !== undefined && config.entrypoint !== "");
}

export function buildContainer(
  ctx: Pick<GuestContext, "instance" | "now" | "rates">,
  id: string,
  res: PveClusterVmResource,
  config: PveLxcConfig | undefined,
  addresses: GuestAddresses | undefined,
): Container {
  const running = res.status === "running";
  const rates = ctx.rates(id, res);
  const memory = memoryUsage(res.maxmem, running ? res.mem : 0);
  const disk = diskUsage(res.maxdisk, running ? res.disk : 0);
  const oci = isOciTemplate(config);
  const ct: Container = {
    id,
    vmid: res.vmid,
    name: res.name ?? config?.hostname ?? String(res.vmid),
    node: res.node,
    instance: ctx.instance,
    status: res.status,
    type: oci ? "oci" : "lxc",
    cpu: running ? res.cpu : 0,
    cpus: res.maxcpu,
    memory,
    mem: memory.used,
    maxmem: memory.total,
    disk,
    networkIn: running ? rates.networkIn : 0,
    networkOut: running ? rates.networkOut : 0,
    diskRead: running ? rates.diskRead : 0,
    diskWrite: running ? rates.diskWrite : 0,
    uptime: running ? res.uptime : 0,
    template: false,
    lastSeen: ctx.now(),
  };
  if (running && disk.total > 0) {
    // real PVE has no per-mount container usage: one rootfs entry, as Pulse synthesises
    const root: DiskUsage = { ...disk, mountpoint: "/", type: "rootfs" };
    const device = config?.rootfs?.split(",")[0];
    if (device) root.device = device;
    ct.disks = [root];
  }
  if (oci) ct.isOci = true;
  if (config?.ostemplate) ct.osTemplate = config.ostemplate;
  if (config?.ostype) ct.osName = config.ostype;
  if (addresses?.ipAddresses.length) ct.ipAddresses = addresses.ipAddresses;
  if (addresses?.networkInterfaces.length) ct.networkInterfaces = addresses.networkInterfaces;
  const tags = normalizeTags(res.tags ?? config?.tags);
  if (tags) ct.tags = tags;
  if (res.lock) ct.lock = res.lock;
  return ct;
}

/** A container from `/cluster/resources` alone (node unreachable, or cycle deadline passed). */
export function containerFromResource(ctx: Pick<GuestContext, "instance" | "now">, res: PveClusterVmResource): Container {
  return buildContainer({ ...ctx, rates: () => ZERO_RATES }, guestId(ctx.instance, res.node, res.vmid), res, undefined, undefined);
}
