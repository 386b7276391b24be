import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { diffState } from "../realtime/delta";
import type { StateFrontend } from "../state/models";
import { emptyState } from "../state/snapshot";
import { BLOCKED_REASON, LiveConnection, type LiveSnapshot, type SocketLike } from "./live-connection";

function stateAt(lastUpdate: number, cpu: number): StateFrontend {
  const s = emptyState(lastUpdate);
  s.vms = [{ id: "demo:pve1:100", vmid: 100, name: "web01", node: "pve1", instance: "demo", status: "running", type: "qemu", cpu, cpus: 1, mem: 0, maxmem: 0, networkIn: 0, networkOut: 0, diskRead: 0, diskWrite: 0, uptime: 1, template: false, lastSeen: 0 }];
  return s;
}

interface Harness {
  server: Server;
  port: number;
  wss: WebSocketServer;
  /** what clients sent */
  received: string[];
  upgrades: boolean;
  /** accept the upgrade, then close at once without a word */
  drop: boolean;
  state: StateFrontend;
}

const open: { close(): void }[] = [];

async function harness(upgrades = true): Promise<Harness> {
  const h = { received: [] as string[], upgrades, state: stateAt(1000, 0.1) } as Harness;
  h.wss = new WebSocketServer({ noServer: true });
  h.server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(h.state));
  });
  h.server.on("upgrade", (req, socket, head) => {
    // A proxy that does not forward upgrades: the socket closes before it opens.
    if (!h.upgrades) return socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    h.wss.handleUpgrade(req, socket, head, (ws) => {
      if (h.drop) return ws.close();
      ws.on("message", (data) => {
        h.received.push(String(data));
        if (JSON.parse(String(data)).type === "requestData") ws.send(JSON.stringify({ type: "rawData", data: h.state }));
      });
      ws.send(JSON.stringify({ type: "welcome", data: { message: "hi", orgId: "default" } }));
      ws.send(JSON.stringify({ type: "initialState", data: h.state }));
    });
  });
  await new Promise<void>((r) => h.server.listen(0, "127.0.0.1", r));
  h.port = (h.server.address() as AddressInfo).port;
  open.push({ close: () => { h.wss.clients.forEach((c) => c.terminate()); h.server.closeAllConnections(); h.server.close(); } });
  return h;
}

function connection(h: Harness, extra: Partial<ConstructorParameters<typeof LiveConnection>[0]> = {}): LiveConnection {
  const c = new LiveConnection({
    wsUrl: `ws://127.0.0.1:${h.port}/ws?deltas=1`,
    stateUrl: `http://127.0.0.1:${h.port}/api/state`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    pollIntervalMs: 100,
    backoffMs: 50,
    maxBackoffMs: 100,
    formatTime: () => "12:34:56",
    ...extra,
  });
  open.push({ close: () => c.stop() });
  return c;
}

async function until(c: LiveConnection, check: (s: LiveSnapshot) => boolean, ms = 5000): Promise<LiveSnapshot> {
  const deadline = Date.now() + ms;
  while (!check(c.getSnapshot())) {
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify({ ...c.getSnapshot(), state: undefined })}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return c.getSnapshot();
}

afterEach(() => {
  while (open.length) open.pop()?.close();
});

describe("LiveConnection", () => {
  it("goes live with the initial state and applies deltas; a missed one asks for the full state", async () => {
    const h = await harness();
    const c = connection(h);
    c.seed(stateAt(500, 0));
    expect(c.getSnapshot()).toMatchObject({ status: "connecting", reason: "Connecting…" });
    c.start();
    await until(c, (s) => s.status === "live" && s.state?.lastUpdate === 1000);
    expect(c.getSnapshot().reason).toBe("Live");

    const ws = [...h.wss.clients][0];
    const next = stateAt(2000, 0.93);
    ws.send(JSON.stringify({ type: "stateDelta", data: diffState(h.state, next) }));
    const s = await until(c, (x) => x.state?.lastUpdate === 2000);
    expect(s.state?.vms[0].cpu).toBe(0.93);
    expect(s.lastMessageAt).toBeGreaterThan(0);

    // A delta on a base this client never saw: it sends requestData and gets rawData.
    h.state = stateAt(4000, 0.5);
    ws.send(JSON.stringify({ type: "stateDelta", data: diffState(stateAt(3000, 0.4), h.state) }));
    await until(c, (x) => x.state?.lastUpdate === 4000);
    expect(h.received).toContain(JSON.stringify({ type: "requestData" }));
  });

  it("polls /api/state and says why when the WebSocket closes before it opens", async () => {
    const h = await harness(false);
    const c = connection(h);
    c.start();
    const s = await until(c, (x) => x.status === "polling");
    expect(s.reason).toBe(BLOCKED_REASON);
    expect(s.state?.lastUpdate).toBe(1000);
    // Still polling: a newer state shows up without a socket.
    h.state = stateAt(5000, 0.2);
    await until(c, (x) => x.state?.lastUpdate === 5000);
    // Upgrades start working: it goes live and stops polling.
    h.upgrades = true;
    await until(c, (x) => x.status === "live", 8000);
  });

  it("also falls back when a proxy accepts the upgrade but drops the socket at once", async () => {
    const h = await harness();
    h.drop = true;
    const c = connection(h);
    c.start();
    const s = await until(c, (x) => x.status === "polling");
    expect(s.reason).toBe(BLOCKED_REASON);
    expect(s.state?.lastUpdate).toBe(1000);
  });

  it("reconnects with attempts counted after a drop, then reports offline with the last update time", async () => {
    const h = await harness();
    const c = connection(h, { failuresBeforePolling: 3, backoffMs: 150, maxBackoffMs: 150 });
    c.start();
    await until(c, (x) => x.status === "live");
    h.upgrades = false;
    [...h.wss.clients][0].terminate();
    const r = await until(c, (x) => x.status === "reconnecting");
    expect(r.reason).toBe("Reconnecting (attempt 1)");
    await until(c, (x) => x.reason === "Reconnecting (attempt 2)");
    // The server is gone entirely: polling fails too.
    h.server.closeAllConnections();
    h.server.close();
    const off = await until(c, (x) => x.status === "offline");
    expect(off.reason).toBe("Offline — last update 12:34:56");
  });
});
