/**
 * `npm run bench`: figures for a simulated 50-node / 3,000-guest cluster.
 *  - one poll cycle's wall time and CPU time (measured by the worker, see state.performance)
 *  - `/api/state` latency p50/p99, against a bare Node http server serving the same bytes
 *  - resident memory of the web process and the worker
 *  - realtime push (bench/realtime.ts, which documents the method): latency from a poll's
 *    snapshot to its arrival at 100 `/ws` clients (rawData, and stateDelta with ?deltas=1),
 *    web-process CPU per snapshot with 1 and 100 clients, the hub's own CPU per broadcast
 *  - the overview's first render with every guest in headless Chromium (bench/overview-render.ts)
 * The simulator runs in its own process. Results go to stdout and bench/results/latest.json.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, Agent } from "node:http";
import path from "node:path";
import { DEFAULT_TOKEN } from "../sim";
import { ROOT, startTestServer, waitFor } from "../tests/helpers/server";
import { buildAll } from "../scripts/build.mjs";
import { measureOverviewRender } from "./overview-render";
import { measureHubBroadcast, measurePush, percentile } from "./realtime";

const NODES = Number(process.env.BENCH_NODES ?? 50);
const GUESTS = Number(process.env.BENCH_GUESTS ?? 3000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 5);
const WS_CLIENTS = Number(process.env.BENCH_WS_CLIENTS ?? 100);
const WS_POLLS = Number(process.env.BENCH_WS_POLLS ?? 4);
const POLL_INTERVAL_MS = 10_000;

async function timeGets(url: string, headers: Record<string, string>, n: number): Promise<{ p50: number; p99: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n + 10; i++) {
    const t0 = process.hrtime.bigint();
    bytes = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { agent, headers }, (res) => {
        let size = 0;
        res.on("data", (c: Buffer) => (size += c.length));
        res.on("end", () => (res.statusCode === 200 ? resolve(size) : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end();
    });
    if (i >= 10) times.push(Number(process.hrtime.bigint() - t0) / 1e6); // first 10 warm up
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  await buildAll({ ifStale: true, quiet: true });
  const simProc: ChildProcess = fork(path.join(ROOT, "bench/sim-child.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, SIM_NODES: String(NODES), SIM_GUESTS: String(GUESTS) },
  });
  const sim = await new Promise<{ url: string; fingerprint: string }>((resolve) => simProc.once("message", (m) => resolve(m as never)));
  const srv = await startTestServer({ PULSE_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS), PULSE_LOG_LEVEL: "error" });
  try {
    const add = await srv.fetch("/api/config/nodes", {
      method: "POST",
      body: JSON.stringify({ type: "pve", name: "bench", host: sim.url, tokenName: DEFAULT_TOKEN.tokenId, tokenValue: DEFAULT_TOKEN.secret, fingerprint: sim.fingerprint }),
    });
    if (add.status !== 201) throw new Error(`adding the node failed: ${add.status} ${await add.text()}`);

    // Collect CYCLES poll cycles at full size.
    const cycles: { wallMs: number; cpuMs: number }[] = [];
    let lastUpdate = 0;
    let guests = 0;
    await waitFor(async () => {
      const s = await (await srv.fetch("/api/state")).json();
      if (s.connectionHealth.bench && s.lastUpdate !== lastUpdate && s.vms.length + s.containers.length > 0) {
        lastUpdate = s.lastUpdate;
        guests = s.vms.length + s.containers.length;
        cycles.push({ wallMs: s.performance.lastPollDurationMs, cpuMs: s.performance.lastPollCpuMs });
      }
      return cycles.length >= CYCLES + 1;
    }, 30_000 + CYCLES * 15_000, "poll cycles");
    const measured = cycles.slice(1); // the first cycle fills caches (agent metadata, configs)

    const headers = { "X-API-Token": srv.token };
    const stateUrl = `${srv.url}/api/state`;
    const viaPulse = await timeGets(stateUrl, headers, REQUESTS);

    const body = Buffer.from(await (await srv.fetch("/api/state")).arrayBuffer());
    const bare = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
    });
    await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
    const barePort = (bare.address() as { port: number }).port;
    const viaBare = await timeGets(`http://127.0.0.1:${barePort}/`, {}, REQUESTS);
    bare.close();

    const pids = [srv.pid, ...childPids(srv.pid)];
    const rss = { web: rssMb(pids[0]), worker: pids[1] ? rssMb(pids[1]) : undefined };

    // Reported, not fatal: the realtime figures below do not depend on it.
    const overviewRender = await measureOverviewRender(srv.url, srv.token).catch((err: Error) => ({ error: err.message.split("\n")[0] }));

    const hubBroadcast = measureHubBroadcast(body.toString("utf8"), WS_CLIENTS);
    const push = { baseUrl: srv.url, token: srv.token, webPid: srv.pid, polls: WS_POLLS, pollIntervalMs: POLL_INTERVAL_MS };
    const oneClient = await measurePush({ ...push, clients: 1, deltas: false });
    const rawData = await measurePush({ ...push, clients: WS_CLIENTS, deltas: false });
    const stateDelta = await measurePush({ ...push, clients: WS_CLIENTS, deltas: true });

    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    const result = {
      cluster: { nodes: NODES, guests, stateBytes: body.length },
      pollCycle: { wallMsAvg: avg(measured.map((c) => c.wallMs)), wallMsMax: Math.max(...measured.map((c) => c.wallMs)), cpuMsAvg: avg(measured.map((c) => c.cpuMs)), cycles: measured.length },
      apiState: { pulse: { p50Ms: +viaPulse.p50.toFixed(2), p99Ms: +viaPulse.p99.toFixed(2) }, bareNodeHttp: { p50Ms: +viaBare.p50.toFixed(2), p99Ms: +viaBare.p99.toFixed(2) }, requests: REQUESTS },
      rssMb: rss,
      realtime: {
        // oneClient: the pipeline alone (worker → IPC → web → hub → socket); the others add the fan-out
        pushLatency: { oneClient: summary(oneClient), rawData: summary(rawData), stateDelta: summary(stateDelta) },
        webCpuMsPerSnapshot: {
          oneClient: oneClient.webCpuMsPerSnapshot,
          [`${WS_CLIENTS}RawDataClients`]: rawData.webCpuMsPerSnapshot,
          [`${WS_CLIENTS}DeltaClients`]: stateDelta.webCpuMsPerSnapshot,
          perExtraRawDataClient: +((rawData.webCpuMsPerSnapshot - oneClient.webCpuMsPerSnapshot) / (WS_CLIENTS - 1)).toFixed(2),
        },
        hubBroadcast,
        webRssMbAfter: rssMb(srv.pid),
      },
      overviewRender,
      at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(path.join(ROOT, "bench/results/latest.json"), JSON.stringify(result, null, 2));
  } finally {
    await srv.stop();
    simProc.disconnect();
  }
}

function summary(p: Awaited<ReturnType<typeof measurePush>>) {
  const { clients, polls, messageBytes, latencyMs, firstClientMsP50, allClientsMsP50 } = p;
  return { clients, polls, messageBytes, p50Ms: latencyMs.p50, p99Ms: latencyMs.p99, maxMs: latencyMs.max, firstClientP50Ms: firstClientMsP50, allClientsP50Ms: allClientsMsP50 };
}

await main();
