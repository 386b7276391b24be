/**
 * One PVE poll cycle → Pulse's model (pve-api §2.1, §6, §7.2; inventory §4.4).
 *
 * Collection and assembly are separate: the cycle collects answers until everything is in
 * or the deadline passes, then `assemble` builds the state synchronously from what arrived,
 * filling the gaps with the previous cycle's values. A node that stops answering keeps its
 * previous state for a 60 s grace period before it (and its guests) show offline.
 */
import type { PveApi } from "../proxmox/api";
import type { LoggerLike } from "../proxmox/cluster-client";
import { parseHost, type PveInstanceConfig } from "../proxmox/config";
import { createPveApi } from "../proxmox/discovery";
import type { PveResult } from "../proxmox/errors";
import type {
  PveClusterStatusEntry,
  PveClusterVmResource,
  PveNodeListEntry,
  PveNodeStatus,
  PveNodeStorageEntry,
  PveStorageConfigEntry,
} from "../proxmox/schemas";
import type { Container, Node, PveInstanceState, Storage, VM } from "../state/models";
import { guestId, type GuestContext } from "./guest-context";
import { RequestLimiter } from "./limiter";
import { containerFromResource, LxcGuestCollector } from "./lxc-guests";
import { nodeId, offlineNode, onlineNode, type NodeContext } from "./node-model";
import { QemuGuestCollector, vmFromResource } from "./qemu-guests";
import { RateTracker, ZERO_RATES } from "./rate-tracker";
import { buildStorage, type StorageContext } from "./storage-model";

export const NODE_OFFLINE_GRACE_MS = 60_000;
export const DEFAULT_POLL_DEADLINE_MS = 45_000;
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;
const CLUSTER_INFO_TTL_MS = 5 * 60_000;
const STORAGE_CONFIG_TTL_MS = 60_000;

export interface PvePollerOptions {
  now?: () => number;
  logger?: LoggerLike;
  /** whole-cycle budget; what has not answered by then keeps its previous values */
  deadlineMs?: number;
  /** requests in flight per instance (≤ the 20 sockets per endpoint) */
  maxConcurrentRequests?: number;
  /** an existing client (tests, shared connections); closed by `close()` only if created here */
  api?: PveApi;
}

type NodeMode = "online" | "grace" | "offline";

/** Answers gathered during one cycle. */
interface Collected {
  nodes?: PveResult<PveNodeListEntry[]>;
  resources?: PveResult<PveClusterVmResource[]>;
  nodeStatus: Map<string, PveResult<PveNodeStatus>>;
  storage: Map<string, PveResult<PveNodeStorageEntry[]>>;
  vms: Map<string, VM>;
  containers: Map<string, Container>;
}

export class PvePoller {
  private readonly api: PveApi;
  private readonly ownsApi: boolean;
  private readonly now: () => number;
  private readonly logger?: LoggerLike;
  private readonly deadlineMs: number;
  private readonly limiter: RequestLimiter;
  private readonly rateTracker = new RateTracker();
  private readonly qemu = new QemuGuestCollector();
  private readonly lxc = new LxcGuestCollector();
  private readonly lastOnline = new Map<string, number>();
  private prev?: PveInstanceState;
  private clusterInfo?: { at: number; isCluster: boolean; name?: string };
  private storageConfig?: { at: number; byName: Map<string, PveStorageConfigEntry> };
  private inFlight?: Promise<PveInstanceState>;

  constructor(
    readonly config: PveInstanceConfig,
    opts: PvePollerOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_POLL_DEADLINE_MS;
    this.limiter = new RequestLimiter(opts.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS);
    this.ownsApi = !opts.api;
    this.api = opts.api ?? createPveApi(config, { now: opts.now, logger: opts.logger });
  }

  /** The last state produced, if any. */
  get previous(): PveInstanceState | undefined {
    return this.prev;
  }

  /** Runs one cycle; concurrent callers share the cycle in progress. Never rejects. */
  poll(): Promise<PveInstanceState> {
    this.inFlight ??= this.cycle().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  async close(): Promise<void> {
    if (this.ownsApi) await this.api.close();
  }

  private get monitorVMs() {
    return this.config.monitorVMs !== false;
  }
  private get monitorContainers() {
    return this.config.monitorContainers !== false;
  }
  private get monitorStorage() {
    return this.config.monitorStorage !== false;
  }

  private async cycle(): Promise<PveInstanceState> {
    const startedAt = this.now();
    const abort = new AbortController();
    const got: Collected = { nodeStatus: new Map(), storage: new Map(), vms: new Map(), containers: new Map() };
    let open = true;
    let finished = false;
    const work = this.collect(got, abort.signal, () => open).then(
      () => void (finished = true),
      (e: unknown) => this.logger?.error({ instance: this.config.name, err: String(e) }, "PVE poll collection failed"),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise<void>((r) => (timer = setTimeout(r, this.deadlineMs)))]);
    clearTimeout(timer);
    open = false;
    abort.abort();
    if (!finished) this.logger?.warn({ instance: this.config.name, deadlineMs: this.deadlineMs }, "PVE poll deadline passed; unanswered parts keep previous values");
    let state: PveInstanceState;
    try {
      state = this.assemble(got, startedAt);
    } catch (e) {
      // a bug in assembly must not take the worker down: report the instance unhealthy
      this.logger?.error({ instance: this.config.name, err: String(e) }, "PVE poll assembly failed");
      state = { ...(this.prev ?? emptyState(this.config.name, startedAt)), healthy: false, error: String(e), polledAt: startedAt };
    }
    this.prev = state;
    return state;
  }

  // ---- collection ------------------------------------------------------------------------

  private async collect(got: Collected, signal: AbortSignal, isOpen: () => boolean): Promise<void> {
    const limit = <T>(task: () => Promise<PveResult<T>>) => this.limiter.run(task, signal);
    const opts = { signal };
    const now = this.now();

    const clusterP = this.needsClusterInfo(now) ? limit(() => this.api.getClusterStatus(opts)) : undefined;
    const storageCfgP =
      this.monitorStorage && (!this.storageConfig || now - this.storageConfig.at > STORAGE_CONFIG_TTL_MS)
        ? limit(() => this.api.getStorageConfig(opts))
        : undefined;
    const wantGuests = this.monitorVMs || this.monitorContainers;
    const resourcesP = wantGuests
      ? limit(() => this.api.getClusterResources("vm", opts)).then((r) => {
          if (isOpen()) got.resources = r;
          return r;
        })
      : undefined;
    const byNodeP = resourcesP?.then((r) => (r.ok ? this.groupGuests(r.data) : new Map<string, PveClusterVmResource[]>()));

    const nodes = await limit(() => this.api.getNodes(opts));
    if (!isOpen()) return;
    got.nodes = nodes;
    if (!nodes.ok) {
      this.logger?.warn({ instance: this.config.name, kind: nodes.error.kind, error: nodes.error.message }, "PVE /nodes failed");
      return;
    }

    const ctx = this.guestContext(signal, isOpen);
    const tasks: Promise<unknown>[] = [];
    if (clusterP) tasks.push(clusterP.then((r) => this.recordClusterInfo(r, nodes.data.length)));
    if (storageCfgP) tasks.push(storageCfgP.then((r) => this.recordStorageConfig(r)));
    for (const entry of nodes.data) {
      if (entry.status !== "online") continue;
      const node = entry.node;
      tasks.push(
        (async () => {
          const status = await limit(() => this.api.getNodeStatus(node, opts));
          if (!isOpen()) return;
          got.nodeStatus.set(node, status);
          if (!byNodeP || (!status.ok && status.error.kind === "node_unreachable")) return;
          const guests = (await byNodeP).get(node) ?? [];
          await Promise.all(guests.map((res) => this.collectGuest(ctx, res, got, isOpen)));
        })(),
      );
      if (this.monitorStorage) {
        tasks.push(
          limit(() => this.api.getNodeStorage(node, opts)).then((r) => {
            if (isOpen()) got.storage.set(node, r);
          }),
        );
      }
    }
    // resources are needed for assembly even when no node is online
    if (resourcesP) tasks.push(resourcesP);
    await Promise.all(tasks);
  }

  private async collectGuest(ctx: GuestContext, res: PveClusterVmResource, got: Collected, isOpen: () => boolean): Promise<void> {
    if (res.type === "qemu") {
      const vm = await this.qemu.collect(ctx, res);
      if (isOpen()) got.vms.set(vm.id, vm);
    } else {
      const ct = await this.lxc.collect(ctx, res);
      if (isOpen()) got.containers.set(ct.id, ct);
    }
  }

  private groupGuests(resources: PveClusterVmResource[]): Map<string, PveClusterVmResource[]> {
    const map = new Map<string, PveClusterVmResource[]>();
    for (const r of resources) {
      if (!this.wanted(r)) continue;
      let list = map.get(r.node);
      if (!list) map.set(r.node, (list = []));
      list.push(r);
    }
    return map;
  }

  private wanted(r: PveClusterVmResource): boolean {
    if (r.template) return false;
    return r.type === "qemu" ? this.monitorVMs : this.monitorContainers;
  }

  private guestContext(signal: AbortSignal, isOpen: () => boolean): GuestContext {
    return {
      api: this.api,
      instance: this.config.name,
      signal,
      now: this.now,
      limit: (task) => this.limiter.run(task, signal),
      // a guest finishing after the deadline must not move the rate baseline unseen
      rates: (id, c) => (isOpen() ? this.rateTracker.update(id, c, this.now()) : ZERO_RATES),
    };
  }

  private needsClusterInfo(now: number): boolean {
    const configured = this.config.isCluster !== undefined && (!this.config.isCluster || !!this.config.clusterName);
    return !configured && (!this.clusterInfo || now - this.clusterInfo.at > CLUSTER_INFO_TTL_MS);
  }

  private recordClusterInfo(r: PveResult<PveClusterStatusEntry[]>, nodeCount: number): void {
    const at = this.now();
    if (!r.ok) {
      // e.g. 403 without Sys.Audit on `/`: the member count still tells
      this.clusterInfo = { at, isCluster: nodeCount > 1, name: this.clusterInfo?.name };
      return;
    }
    const cluster = r.data.find((e) => e.type === "cluster");
    const members = r.data.filter((e) => e.type === "node").length;
    this.clusterInfo = { at, isCluster: cluster !== undefined || members > 1, name: cluster?.name || undefined };
  }

  private recordStorageConfig(r: PveResult<PveStorageConfigEntry[]>): void {
    if (r.ok) this.storageConfig = { at: this.now(), byName: new Map(r.data.map((s) => [s.storage, s])) };
  }

  // ---- assembly ----------------------------------------------------------------------------

  private cluster(): { isCluster: boolean; clusterName?: string; idPrefix: string } {
    const isCluster = this.config.isCluster ?? this.clusterInfo?.isCluster ?? false;
    const clusterName = isCluster ? (this.config.clusterName ?? this.clusterInfo?.name) : undefined;
    return { isCluster, clusterName, idPrefix: isCluster && clusterName ? clusterName : this.config.name };
  }

  private hostFor(node: string): string {
    const ep = this.config.clusterEndpoints?.find((e) => e.nodeName === node);
    try {
      return parseHost(ep?.host ?? this.config.host).origin;
    } catch {
      return ep?.host ?? this.config.host;
    }
  }

  private modeOf(node: string, reportedOnline: boolean, now: number): NodeMode {
    if (reportedOnline) {
      this.lastOnline.set(node, now);
      return "online";
    }
    const last = this.lastOnline.get(node);
    return last !== undefined && now - last < NODE_OFFLINE_GRACE_MS ? "grace" : "offline";
  }

  private assemble(got: Collected, now: number): PveInstanceState {
    const instance = this.config.name;
    const { isCluster, clusterName, idPrefix } = this.cluster();
    const nodeCtx = (node: string): NodeContext => ({ instance, idPrefix, isCluster, clusterName, host: this.hostFor(node), now });
    const prevNodes = new Map((this.prev?.nodes ?? []).map((n) => [n.node, n]));

    // nodes and their mode
    const modes = new Map<string, NodeMode>();
    const nodes: Node[] = [];
    const listed = got.nodes?.ok ? got.nodes.data : undefined;
    if (listed) {
      for (const entry of listed) {
        const st = got.nodeStatus.get(entry.node);
        const reachable = entry.status === "online" && !(st && !st.ok && st.error.kind === "node_unreachable");
        const mode = this.modeOf(entry.node, reachable, now);
        modes.set(entry.node, mode);
        const prev = prevNodes.get(entry.node);
        const ctx = nodeCtx(entry.node);
        if (mode === "online") nodes.push(onlineNode(ctx, entry, st?.ok ? st.data : undefined, prev));
        else if (mode === "grace") nodes.push(prev ? { ...prev, status: "online", connectionHealth: "degraded" } : onlineNode(ctx, entry, undefined, undefined));
        else nodes.push(offlineNode(ctx, entry, prev));
      }
    } else {
      for (const prev of prevNodes.values()) {
        const mode = this.modeOf(prev.node, false, now);
        modes.set(prev.node, mode);
        nodes.push(mode === "grace" ? { ...prev, connectionHealth: "degraded" } : offlineNode(nodeCtx(prev.node), undefined, prev));
      }
    }
    nodes.sort((a, b) => a.node.localeCompare(b.node));

    const { vms, containers } = this.assembleGuests(got, modes, now);
    const storage = this.monitorStorage ? this.assembleStorage(got, modes, nodes, idPrefix) : [];

    const live = new Set<string>();
    for (const g of vms) live.add(g.id);
    for (const g of containers) live.add(g.id);
    this.qemu.retain(live);
    this.lxc.retain(live);
    this.rateTracker.prune(this.now());
    for (const name of this.lastOnline.keys()) if (!modes.has(name)) this.lastOnline.delete(name);

    const state: PveInstanceState = { instance, nodes, vms, containers, storage, healthy: !!listed, polledAt: now };
    if (!listed) state.error = got.nodes && !got.nodes.ok ? got.nodes.error.message : "no answer to /nodes within the poll deadline";
    this.logger?.debug(
      { instance, nodes: nodes.length, vms: vms.length, containers: containers.length, storage: storage.length, healthy: state.healthy },
      "PVE poll assembled",
    );
    return state;
  }

  private assembleGuests(got: Collected, modes: Map<string, NodeMode>, now: number): { vms: VM[]; containers: Container[] } {
    const prevById = new Map<string, VM | Container>();
    for (const g of this.prev?.vms ?? []) prevById.set(g.id, g);
    for (const g of this.prev?.containers ?? []) prevById.set(g.id, g);
    const vms: VM[] = [];
    const containers: Container[] = [];
    const push = (g: VM | Container) => (g.type === "qemu" ? vms.push(g) : containers.push(g));
    const base = { instance: this.config.name, now: () => now };
    const seen = new Set<string>();
    const onlineVmids = new Set<number>();

    const resources = got.resources?.ok && got.nodes?.ok ? got.resources.data : undefined;
    if (resources) {
      for (const res of resources) {
        if (!this.wanted(res)) continue;
        const mode = modes.get(res.node);
        if (mode === undefined) continue;
        const id = guestId(this.config.name, res.node, res.vmid);
        const prev = prevById.get(id);
        let g: VM | Container | undefined;
        if (mode === "online") {
          onlineVmids.add(res.vmid);
          g = (res.type === "qemu" ? got.vms.get(id) : got.containers.get(id)) ?? prev;
        } else if (mode === "grace") {
          g = prev;
        } else {
          g = prev && withoutRates(prev);
        }
        g ??= res.type === "qemu" ? vmFromResource(base, res) : containerFromResource(base, res);
        seen.add(id);
        push(g);
      }
    }
    // guests PVE no longer lists (or all guests when the list failed): previous values by node mode
    const prevGuests: (VM | Container)[] = [...(this.prev?.vms ?? []), ...(this.prev?.containers ?? [])];
    for (const p of prevGuests) {
      if (seen.has(p.id)) continue;
      const mode = modes.get(p.node);
      if (mode === undefined) continue;
      if (resources && (mode === "online" || onlineVmids.has(p.vmid))) continue; // deleted, or migrated to a live node
      push(mode === "offline" ? withoutRates(p) : p);
    }
    return { vms, containers };
  }

  private assembleStorage(got: Collected, modes: Map<string, NodeMode>, nodes: Node[], idPrefix: string): Storage[] {
    const ctx: StorageContext = { instance: this.config.name, allNodes: nodes.map((n) => n.node), nodeId: (n) => nodeId(idPrefix, n) };
    const prevByNode = new Map<string, Storage[]>();
    for (const s of this.prev?.storage ?? []) {
      let list = prevByNode.get(s.node);
      if (!list) prevByNode.set(s.node, (list = []));
      list.push(s);
    }
    const cfg = this.storageConfig?.byName;
    const out: Storage[] = [];
    for (const [node, mode] of modes) {
      const r = got.storage.get(node);
      if (mode === "online" && r?.ok) {
        for (const entry of r.data) {
          const s = buildStorage(ctx, node, entry, cfg?.get(entry.storage));
          if (s) out.push(s);
        }
        continue;
      }
      for (const s of prevByNode.get(node) ?? []) out.push(mode === "offline" ? { ...s, status: "offline", active: false } : s);
    }
    return out;
  }
}

function withoutRates<G extends VM | Container>(g: G): G {
  return { ...g, networkIn: 0, networkOut: 0, diskRead: 0, diskWrite: 0 };
}

function emptyState(instance: string, now: number): PveInstanceState {
  return { instance, nodes: [], vms: [], containers: [], storage: [], healthy: false, polledAt: now };
}
