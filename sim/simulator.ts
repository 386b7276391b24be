/** Wires the cluster model, faults, auth and listeners into a running simulator. */
import type { Socket } from "node:net";
import { Auth, DEFAULT_TOKEN, DEFAULT_USER, type SimToken, type SimUser } from "./auth";
import { Cluster } from "./cluster";
import { FaultRegistry, type SimFault, type SimFaultEntry, type SimFaults } from "./faults";
import { History } from "./history";
import type { PveVersion } from "./model";
import { accessRoutes } from "./routes/access";
import { agentRoutes } from "./routes/agent";
import { clusterRoutes } from "./routes/cluster";
import { createControlHandler, type ControlTarget } from "./routes/control";
import { lxcRoutes } from "./routes/lxc";
import { nodeRoutes } from "./routes/nodes";
import { powerRoutes } from "./routes/power";
import { qemuRoutes } from "./routes/qemu";
import { storageRoutes } from "./routes/storage";
import { Router } from "./router";
import { createRequestHandler, Listener, type PipelineDeps } from "./server";
import { certificateFor, fingerprintOf, type TlsMaterial } from "./tls";

export interface SimulatorOptions {
  host?: string;
  port?: number;
  nodes?: number;
  guests?: number;
  /** `null` = standalone node (no corosync). */
  clusterName?: string | null;
  seed?: number;
  pveVersion?: PveVersion;
  updateIntervalMs?: number;
  unauthorizedDelayMs?: number;
  /** Added to DEFAULT_TOKEN (an entry with the same tokenId replaces it). */
  tokens?: SimToken[];
  /** Added to DEFAULT_USER (an entry with the same username replaces it). */
  users?: SimUser[];
  /** One listener per node on its own loopback address (host = first address, default 127.0.0.10). */
  perNodeAddresses?: boolean;
  control?: boolean;
  tls?: TlsMaterial;
}

export interface Simulator {
  url: string;
  host: string;
  port: number;
  fingerprint: string;
  nodes: string[];
  faults: SimFaults;
  advance(seconds: number): void;
  restartGuest(vmid: number): void;
  rebootNode(node: string): void;
  /** Pins the guest's CPU fraction; a negative value lets it wander again. */
  setGuestCpu(vmid: number, cpu: number): void;
  setGuestStatus(vmid: number, status: string): void;
  renameGuest(vmid: number, name: string): void;
  guest(vmid: number): unknown;
  /** Simulated wall clock, epoch ms. */
  now(): number;
  stats(): { requests: number; byPath?: Record<string, number> };
  close(): Promise<void>;
}

function mergeBy<T>(defaults: T[], extra: T[] | undefined, key: (t: T) => string): T[] {
  const map = new Map(defaults.map((d) => [key(d), d]));
  for (const e of extra ?? []) map.set(key(e), e);
  return [...map.values()];
}

function offsetAddress(base: string, i: number): string {
  const parts = base.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p))) throw new Error(`perNodeAddresses needs an IPv4 base address, got '${base}'`);
  const last = parts[3] + i;
  if (last > 254) throw new Error(`too many nodes for base address ${base}`);
  return [parts[0], parts[1], parts[2], last].join(".");
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clusterName = opts.clusterName === undefined ? "pulse-sim" : opts.clusterName;
  if (clusterName === null && opts.nodes !== undefined && opts.nodes > 1) throw new Error("a standalone simulator has exactly one node");
  const nodeCount = clusterName === null ? 1 : Math.max(1, opts.nodes ?? 3);
  const cluster = new Cluster({
    nodes: nodeCount,
    guests: Math.max(0, opts.guests ?? 24),
    seed: opts.seed ?? 1,
    clusterName,
    pveVersion: opts.pveVersion ?? 9,
    updateIntervalMs: opts.updateIntervalMs ?? 10_000,
  });
  const history = new History(cluster, opts.seed ?? 1);
  const perNode = opts.perNodeAddresses ?? false;
  const listenHost = opts.host ?? (perNode ? "127.0.0.10" : "127.0.0.1");
  const reportedHost = listenHost === "0.0.0.0" || listenHost === "::" ? "127.0.0.1" : listenHost;
  cluster.nodes.forEach((n, i) => (n.ip = perNode ? offsetAddress(listenHost, i) : reportedHost));

  let closing = false;
  let spared: Socket | undefined;
  const listeners: Listener[] = [];
  const listenerOf = (node: string) => listeners.find((l) => l.node.name === node);
  const isDown = () => faults.has("down");

  const faults = new FaultRegistry(
    (added, removed) => {
      if (closing) return;
      for (const f of added) applyFault(f, true);
      for (const f of removed) applyFault(f, false);
      cluster.bump();
    },
    (f: SimFault) => {
      if (f.kind === "node-offline" && !cluster.node(f.node)) throw new Error(`no such node '${f.node}'`);
    },
  );

  function applyFault(f: SimFaultEntry, added: boolean): void {
    if (f.kind === "down") {
      if (added) for (const l of listeners) l.stop(spared);
      else if (!isDown()) for (const l of listeners) if (!perNode || cluster.isOnline(l.node)) l.resume();
    } else if (f.kind === "node-offline") {
      const stillOffline = faults.nodeOffline(f.node) !== undefined;
      cluster.setNodeOffline(f.node, stillOffline);
      if (perNode) {
        const l = listenerOf(f.node)!;
        if (stillOffline) l.stop(spared);
        else if (!isDown()) l.resume();
      }
    }
  }

  const stats = { requests: 0, byPath: new Map<string, number>() };
  const router = new Router().add([...accessRoutes, ...clusterRoutes, ...nodeRoutes, ...qemuRoutes, ...agentRoutes, ...lxcRoutes, ...powerRoutes, ...storageRoutes]);
  const auth = new Auth({
    tokens: mergeBy([DEFAULT_TOKEN], opts.tokens, (t) => t.tokenId),
    users: mergeBy([DEFAULT_USER], opts.users, (u) => u.username),
    now: () => cluster.nowSec(),
    clusterName,
  });

  const api = {
    faults: faults as SimFaults,
    advance: (seconds: number) => cluster.advance(seconds),
    restartGuest: (vmid: number) => cluster.restartGuest(vmid),
    rebootNode: (node: string) => cluster.rebootNode(node),
    setGuestCpu: (vmid: number, cpu: number) => cluster.setGuestCpu(vmid, cpu),
    setGuestStatus: (vmid: number, status: string) => cluster.setGuestStatus(vmid, status),
    renameGuest: (vmid: number, name: string) => cluster.renameGuest(vmid, name),
    guest: (vmid: number): unknown => {
      const g = cluster.guest(vmid);
      return g ? structuredClone(g) : undefined;
    },
    now: () => cluster.now(),
  };

  const control: ControlTarget = {
    ...api,
    state: () => ({
      time: cluster.nowSec(),
      clusterName,
      pveVersion: cluster.pveVersion,
      quorate: cluster.quorate(),
      nodes: cluster.nodes.map((n) => {
        const guests = cluster.guestsOn(n.name);
        return {
          name: n.name, ip: n.ip, status: cluster.isOnline(n) ? "online" : "offline", uptime: n.uptime, cpu: n.cpu, mem: n.memUsed, maxmem: n.maxmem,
          guests: guests.length, running: guests.filter((g) => g.status === "running").length,
        };
      }),
      guests: cluster.guests.length,
      faults: faults.list(),
      requests: stats.requests,
    }),
    sparing: <T>(socket: Socket, fn: () => T): T => {
      spared = socket;
      try {
        return fn();
      } finally {
        spared = undefined;
      }
    },
  };

  const deps: PipelineDeps = {
    cluster,
    history,
    faults,
    auth,
    router,
    unauthorizedDelayMs: opts.unauthorizedDelayMs ?? 3000,
    stats,
    control: opts.control === false ? undefined : createControlHandler(control),
  };

  // Certificates: a passed-in one for every listener, else one self-signed per listener.
  const targets = perNode ? cluster.nodes : [cluster.nodes[0]];
  const certs = await Promise.all(
    targets.map((n) => (opts.tls ? Promise.resolve(opts.tls) : certificateFor(n.name, perNode ? n.ip : reportedHost, perNode ? "ec" : "rsa"))),
  );
  let port = opts.port ?? 0;
  try {
    for (let i = 0; i < targets.length; i++) {
      const n = targets[i];
      const l = new Listener(perNode ? n.ip : listenHost, port, certs[i], n, createRequestHandler(deps, n));
      listeners.push(l);
      await l.start();
      port = l.port;
    }
  } catch (e) {
    await Promise.all(listeners.map((l) => l.shutdown()));
    throw e;
  }
  for (const n of cluster.nodes) n.fingerprint = fingerprintOf((listenerOf(n.name) ?? listeners[0]).tls.cert);

  const first = listeners[0];
  const urlHost = first.host.includes(":") ? `[${first.host}]` : first.host;
  return {
    ...api,
    url: `https://${urlHost}:${first.port}`,
    host: first.host,
    port: first.port,
    fingerprint: cluster.nodes[0].fingerprint,
    nodes: cluster.nodes.map((n) => n.name),
    stats: () => ({ requests: stats.requests, byPath: Object.fromEntries(stats.byPath) }),
    close: async () => {
      closing = true;
      faults.clear();
      await Promise.all(listeners.map((l) => l.shutdown()));
    },
  };
}
