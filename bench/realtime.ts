/**
 * Realtime figures for `npm run bench` (see run.ts for the cluster they run against).
 *
 * Push latency: N WebSocket clients connect to `/ws` (or `/ws?deltas=1`) from this process.
 * For every snapshot, latency = the time a client's `message` event fires (Date.now() here)
 * minus the snapshot's `lastUpdate`, which the worker stamps when it assembles the snapshot
 * right after a poll completes. Both clocks are this machine's, so no offset is involved.
 * It covers the worker's serialization, IPC to the web process, the hub's encode and fan-out,
 * loopback TCP, and the client's frame reassembly. The clients skip UTF-8 validation and
 * read `lastUpdate` with a byte search instead of parsing, so a single-threaded bench
 * process adds as little queueing as it can; on a 2-core machine it still competes with
 * the server for CPU, so the figures are an upper bound. The first snapshot after connecting
 * is a warm-up and is not counted.
 *
 * Web-process CPU per snapshot: utime+stime of the web process (/proc/<pid>/stat, 10 ms
 * ticks) from the moment every client has one snapshot to the moment every client has the
 * snapshot `polls` later, divided by `polls`. It includes everything the web process does
 * per snapshot (receiving the worker's IPC message, JSON.parse, building resources, the
 * hub's broadcast, the kernel's socket copies); running the same window with one client
 * and with N clients separates the fan-out cost per client from the fixed cost.
 *
 * Hub CPU per broadcast (in-process): process.cpuUsage() around `hub.publish()` of the real
 * 3,000-guest snapshot with 100 in-memory connections, so it isolates the hub's own work
 * (one encode per snapshot; for delta clients also the diff) from socket I/O.
 */
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { RealtimeHub, type RealtimeConnection, type RealtimeSnapshot } from "../lib/realtime/hub";
import type { OutgoingMessage } from "../lib/realtime/messages";
import { realtimeSnapshot } from "../lib/realtime/snapshot";
import type { StateFrontend } from "../lib/state/models";

const LAST_UPDATE = Buffer.from('"lastUpdate":');

/** `lastUpdate` of a serialized rawData/initialState/stateDelta envelope, without parsing it. */
function lastUpdateOf(buf: Buffer): number {
  const at = buf.indexOf(LAST_UPDATE);
  if (at < 0) return NaN;
  let n = 0;
  for (let i = at + LAST_UPDATE.length; i < buf.length && buf[i] >= 48 && buf[i] <= 57; i++) n = n * 10 + (buf[i] - 48);
  return n;
}

const TYPE_AT = '{"type":"'.length;
function typeOf(buf: Buffer): string {
  return buf.toString("latin1", TYPE_AT, buf.indexOf(34, TYPE_AT));
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** utime + stime of a process in ms. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11], fields[12] = utime, stime (fields 14 and 15 of stat(5)), in 100 Hz ticks
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface BenchClient {
  ws: WebSocket;
  /** lastUpdate → receive time of every state message */
  received: Map<number, number>;
  bytes: number;
  initial?: number;
}

function openClient(url: string, token: string): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { "X-API-Token": token }, skipUTF8Validation: true, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    const client: BenchClient = { ws, received: new Map(), bytes: 0 };
    ws.on("message", (data: Buffer) => {
      const t = Date.now();
      const type = typeOf(data);
      if (type === "rawData" || type === "stateDelta" || type === "initialState") {
        const lu = lastUpdateOf(data);
        if (type === "initialState") client.initial = lu;
        else {
          client.received.set(lu, t);
          client.bytes = data.length;
        }
      }
    });
    ws.once("open", () => resolve(client));
    ws.once("error", reject);
  });
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface PushFigures {
  clients: number;
  mode: "rawData" | "stateDelta";
  polls: number;
  messageBytes: number;
  /** over every client × snapshot */
  latencyMs: { p50: number; p99: number; max: number };
  /** per snapshot, until the first of the clients had it (median over snapshots) */
  firstClientMsP50: number;
  /** per snapshot, until the last of the clients had it (median over snapshots) */
  allClientsMsP50: number;
  webCpuMsPerSnapshot: number;
}

export async function measurePush(opts: { baseUrl: string; token: string; webPid: number; clients: number; polls: number; deltas: boolean; pollIntervalMs: number }): Promise<PushFigures> {
  const url = `${opts.baseUrl.replace(/^http/, "ws")}/ws${opts.deltas ? "?deltas=1" : ""}`;
  const clients: BenchClient[] = [];
  for (let i = 0; i < opts.clients; i++) clients.push(await openClient(url, opts.token));
  try {
    const timeout = opts.pollIntervalMs * (opts.polls + 3) + 60_000;
    await until(() => clients.every((c) => c.initial !== undefined), 60_000, "initialState on every client");
    // Snapshots in the order client 0 saw them, newer than what everyone started from.
    const start = Math.max(...clients.map((c) => c.initial!));
    const seen = () => [...clients[0].received.keys()].filter((lu) => lu > start);
    const everyoneHas = (lu: number) => clients.every((c) => c.received.has(lu));

    await until(() => seen().length >= 1 && everyoneHas(seen()[0]), timeout, "the warm-up snapshot");
    const cpu0 = processCpuMs(opts.webPid);
    await until(() => seen().length >= opts.polls + 1 && everyoneHas(seen()[opts.polls]), timeout, `${opts.polls} snapshots on every client`);
    const cpu1 = processCpuMs(opts.webPid);

    const measured = seen().slice(1, opts.polls + 1);
    const latencies: number[] = [];
    const firstArrivals: number[] = [];
    const lastArrivals: number[] = [];
    for (const lu of measured) {
      const times = clients.map((c) => c.received.get(lu)! - lu);
      latencies.push(...times);
      firstArrivals.push(Math.min(...times));
      lastArrivals.push(Math.max(...times));
    }
    for (const xs of [latencies, firstArrivals, lastArrivals]) xs.sort((a, b) => a - b);
    return {
      clients: opts.clients,
      mode: opts.deltas ? "stateDelta" : "rawData",
      polls: measured.length,
      messageBytes: clients[0].bytes,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] },
      firstClientMsP50: percentile(firstArrivals, 50),
      allClientsMsP50: percentile(lastArrivals, 50),
      webCpuMsPerSnapshot: Math.round((cpu1 - cpu0) / measured.length),
    };
  } finally {
    for (const c of clients) c.ws.terminate();
  }
}

class CountingConnection implements RealtimeConnection {
  bytes = 0;
  constructor(readonly deltas: boolean) {}
  send(message: OutgoingMessage): void {
    this.bytes += message.bytes.length;
  }
  bufferedAmount(): number {
    return 0;
  }
  terminate(): void {}
}

/** A next snapshot like a poll produces: CPU, memory and I/O rates of every running guest move. */
function nextSnapshot(state: StateFrontend, step: number): StateFrontend {
  const next: StateFrontend = { ...state, lastUpdate: state.lastUpdate + 10_000, resources: undefined };
  const jiggle = <T extends { cpu: number; networkIn: number; status: string }>(g: T, i: number): T =>
    g.status === "running" ? { ...g, cpu: ((i * 7919 + step * 104_729) % 1000) / 1000, networkIn: g.networkIn + step } : g;
  next.vms = state.vms.map(jiggle);
  next.containers = state.containers.map(jiggle);
  next.nodes = state.nodes.map((n, i) => ({ ...n, cpu: ((i + step) % 100) / 100 }));
  return next;
}

export interface HubFigures {
  clients: number;
  /** median over `rounds` broadcasts */
  rawDataCpuMs: number;
  stateDeltaCpuMs: number;
  /** resources + payload composition per snapshot (realtimeSnapshot), shared by both modes */
  snapshotPrepCpuMs: number;
  deltaBytes: number;
  rawDataBytes: number;
}

const cpuMs = (fn: () => void): number => {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function measureHubBroadcast(stateJson: string, clients = 100, rounds = 9): HubFigures {
  const base = JSON.parse(stateJson) as StateFrontend;
  delete base.resources;
  const prepared: { snapshot: RealtimeSnapshot; prepMs: number }[] = [];
  let state = base;
  for (let i = 0; i <= rounds; i++) {
    const json = JSON.stringify(state);
    const published = { state: JSON.parse(json) as StateFrontend, json, source: "worker" as const };
    let snapshot!: RealtimeSnapshot;
    const prepMs = cpuMs(() => (snapshot = realtimeSnapshot(published)));
    prepared.push({ snapshot, prepMs });
    state = nextSnapshot(state, i + 1);
  }

  const run = (deltas: boolean) => {
    const hub = new RealtimeHub({ coalesceMs: 0 });
    hub.publish(prepared[0].snapshot);
    const conns = Array.from({ length: clients }, () => new CountingConnection(deltas));
    for (const c of conns) hub.connect(c);
    const times: number[] = [];
    let bytes = 0;
    for (const { snapshot } of prepared.slice(1)) {
      const before = conns[0].bytes;
      times.push(cpuMs(() => hub.publish(snapshot)));
      bytes = conns[0].bytes - before;
    }
    hub.stop();
    return { ms: median(times), bytes };
  };
  const raw = run(false);
  const delta = run(true);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    clients,
    rawDataCpuMs: r2(raw.ms),
    stateDeltaCpuMs: r2(delta.ms),
    snapshotPrepCpuMs: r2(median(prepared.slice(1).map((p) => p.prepMs))),
    rawDataBytes: raw.bytes,
    deltaBytes: delta.bytes,
  };
}
