import { connect as tcpConnect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { io as ioClient, type Socket as IoSocket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { applyStateDelta, type StateDelta } from "@/lib/realtime/delta";
import { startTestServer, TEST_TOKEN, type TestServer, waitFor } from "../helpers/server";

interface Envelope {
  type: string;
  data: any;
  timestamp: string;
}

/** A `/ws` client that queues every message, so a test can wait for the next one of a type. */
class Client {
  readonly messages: Envelope[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as Envelope);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves with the first message at or after `from` that matches. */
  async next(match: (m: Envelope) => boolean, from = 0, timeoutMs = 15_000): Promise<Envelope> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.closed) throw new Error("connection closed");
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.messages.map((m) => m.type).join(",")}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }
}

describe("realtime push (/ws, /socket.io/)", () => {
  let srv: TestServer;
  let wsUrl: string;
  const open: WebSocket[] = [];

  const connect = async (path = "/ws", headers: Record<string, string> = { "X-API-Token": TEST_TOKEN }): Promise<Client> => {
    const ws = new WebSocket(`${wsUrl}${path}`, { headers });
    open.push(ws);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return client;
  };

  /** The HTTP answer to an upgrade that is refused, and whether the socket was upgraded. */
  const refused = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string; upgraded: boolean }>((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl}${path}`, { headers });
      ws.on("upgrade", () => resolve({ status: 101, body: "", upgraded: true }));
      ws.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, upgraded: false }));
      });
      ws.on("error", (err) => (/Unexpected server response/.test(err.message) ? undefined : reject(err)));
    });

  beforeAll(async () => {
    srv = await startTestServer();
    wsUrl = srv.url.replace(/^http/, "ws");
    // The demo cluster's first poll, so initialState has guests and resources in it.
    await waitFor(async () => ((await (await srv.fetch("/api/state")).json()) as { vms: unknown[] }).vms.length > 0, 30_000, "first poll");
  });
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    await srv?.stop();
  });

  it("greets a /ws client with welcome and initialState, then pushes rawData after every poll", async () => {
    const c = await connect();
    const welcome = await c.next((m) => m.type === "welcome");
    expect(welcome.data).toEqual({ message: "Connected to Pulse WebSocket", orgId: "default" });
    expect(Date.parse(welcome.timestamp)).toBeGreaterThan(0);

    const initial = await c.next((m) => m.type === "initialState");
    expect(c.messages.indexOf(welcome)).toBeLessThan(c.messages.indexOf(initial));
    const keys = ["nodes", "vms", "containers", "storage", "dockerHosts", "hosts", "pbs", "pmg", "backups", "activeAlerts", "metrics", "performance", "connectionHealth", "stats", "lastUpdate", "resources"];
    for (const key of keys) expect(initial.data).toHaveProperty(key);
    expect(initial.data.resources.length).toBeGreaterThan(0);
    expect(initial.data.resources.find((r: { type: string }) => r.type === "node")).toMatchObject({ platformType: "proxmox-pve" });

    // Wait for a snapshot newer than the initial one (the worker polls every 500 ms here).
    const raw = await c.next((m) => m.type === "rawData" && m.data.lastUpdate > initial.data.lastUpdate);
    expect(raw.data.vms.length + raw.data.containers.length).toBeGreaterThan(0);
    expect(raw.data.resources.length).toBe(initial.data.resources.length);
  });

  it("accepts the token as ?token= and answers ping and requestData", async () => {
    const c = await connect(`/ws?token=${TEST_TOKEN}`, {});
    await c.next((m) => m.type === "initialState");
    const from = c.messages.length;
    c.send({ type: "ping" });
    const pong = await c.next((m) => m.type === "pong", from);
    expect(pong.data.timestamp).toBeCloseTo(Date.now() / 1000, -1);
    const at = c.messages.length;
    c.send({ type: "requestData" });
    const raw = await c.next((m) => m.type === "rawData", at);
    expect(raw.data).toHaveProperty("resources");
    // Unknown or malformed messages are ignored, the connection stays up.
    c.ws.send("{not json");
    c.send({ type: "subscribe", data: 1 });
    const more = c.messages.length;
    c.send({ type: "ping" });
    await c.next((m) => m.type === "pong", more);
  });

  it("sends stateDelta messages to ?deltas=1 clients that rebuild the full state", async () => {
    const c = await connect("/ws?deltas=1");
    const initial = await c.next((m) => m.type === "initialState");
    let state = initial.data;
    let applied = 0;
    let i = c.messages.indexOf(initial) + 1;
    while (applied < 3) {
      const msg = await c.next(() => true, i++);
      expect(msg.type).toBe("stateDelta");
      const delta = msg.data as StateDelta;
      expect(delta.base).toBe(state.lastUpdate);
      expect(Object.keys(delta).sort()).toEqual(expect.arrayContaining(["base", "lastUpdate", "remove", "replace", "upsert"]));
      state = applyStateDelta(state, delta);
      expect(state).not.toBeNull();
      applied++;
    }
    // The rebuilt state is what a full rawData (answering requestData) says at that point.
    const at = c.messages.length;
    c.send({ type: "requestData" });
    for (;;) {
      const msg = await c.next(() => true, i++);
      if (msg.type === "stateDelta") state = applyStateDelta(state, msg.data);
      if (msg.type === "rawData") {
        expect(i - 1).toBeGreaterThanOrEqual(at);
        expect(state).toEqual(msg.data);
        break;
      }
    }
  });

  it("refuses anonymous clients with 401 before upgrading", async () => {
    const r = await refused("/ws");
    expect(r).toMatchObject({ status: 401, upgraded: false });
    expect(JSON.parse(r.body)).toMatchObject({ code: "unauthorized", status_code: 401 });
    expect((await refused("/ws", { "X-API-Token": "wrong-token" })).status).toBe(401);
    expect((await refused("/ws?token=wrong")).status).toBe(401);
  });

  it("refuses a foreign browser Origin with 403 and accepts a local one", async () => {
    const r = await refused("/ws", { "X-API-Token": TEST_TOKEN, Origin: "https://evil.example.com" });
    expect(r).toMatchObject({ status: 403, upgraded: false });
    expect(JSON.parse(r.body)).toMatchObject({ code: "forbidden" });
    const ok = await connect("/ws", { "X-API-Token": TEST_TOKEN, Origin: srv.url });
    await ok.next((m) => m.type === "initialState");
  });

  it("refuses a token without monitoring:read with 403", async () => {
    const res = await srv.fetch("/api/security/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "settings-only", scopes: ["settings:read"] }),
    });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const r = await refused("/ws", { "X-API-Token": token });
    expect(r).toMatchObject({ status: 403, upgraded: false });
    expect(JSON.parse(r.body)).toMatchObject({ code: "missing_scope", requiredScope: "monitoring:read" });
    expect((await refused(`/ws?token=${token}`)).status).toBe(403);
  });

  it("answers 404 to upgrades on other paths", async () => {
    for (const path of ["/nope", "/ws/extra", "/api/state", "/socket.io"]) {
      expect((await refused(path, { "X-API-Token": TEST_TOKEN })).status, path).toBe(404);
    }
  });

  describe("Socket.IO", () => {
    const sockets: IoSocket[] = [];
    afterAll(() => sockets.forEach((s) => s.disconnect()));

    const collect = (transports: ("polling" | "websocket")[], opts: { token?: string; query?: Record<string, string> } = {}) => {
      const events: Envelope[] = [];
      const socket = ioClient(srv.url, {
        path: "/socket.io/",
        transports,
        reconnection: false,
        forceNew: true,
        query: opts.query,
        extraHeaders: opts.token ? { "X-API-Token": opts.token } : {},
      });
      sockets.push(socket);
      socket.onAny((type: string, data: unknown) => events.push({ type, data, timestamp: "" }));
      return { socket, events };
    };
    const until = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    for (const transports of [["websocket"], ["polling", "websocket"]] as const) {
      it(`delivers welcome, initialState and rawData as events (${transports.join("+")})`, async () => {
        const { events } = collect([...transports], { token: TEST_TOKEN });
        await until(() => events.some((e) => e.type === "initialState"), "initialState");
        const initial = events.find((e) => e.type === "initialState")!;
        expect(events[0].type).toBe("welcome");
        expect(initial.data).toHaveProperty("resources");
        expect(initial.data).toHaveProperty("nodes");
        await until(() => events.some((e) => e.type === "rawData" && e.data.lastUpdate > initial.data.lastUpdate), "rawData");
      });
    }

    it("answers ping and requestData and takes the token from the query", async () => {
      const { socket, events } = collect(["websocket"], { query: { token: TEST_TOKEN } });
      await until(() => events.some((e) => e.type === "initialState"), "initialState");
      socket.emit("ping");
      await until(() => events.some((e) => e.type === "pong"), "pong");
      const before = events.filter((e) => e.type === "rawData").length;
      socket.emit("requestData");
      await until(() => events.filter((e) => e.type === "rawData").length > before, "rawData");
    });

    it("refuses anonymous clients and those without the scope", async () => {
      const anon = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`);
      expect(anon.status).toBe(401);
      expect(await anon.json()).toMatchObject({ code: "unauthorized" });
      expect((await refused("/socket.io/?EIO=4&transport=websocket")).status).toBe(401);
      const foreign = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { "X-API-Token": TEST_TOKEN, Origin: "https://evil.example.com" } });
      expect(foreign.status).toBe(403);

      const { socket } = collect(["websocket"]);
      const error = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
      expect(error).toBeInstanceOf(Error);
      expect(socket.connected).toBe(false);
    });
  });

  // Over the network, not at hub level: a raw TCP client completes the handshake, asks for
  // the full state over and over, and stops reading. Without the bound the server would
  // queue every answer in memory; with it the connection is cut once the backlog passes
  // 8 MB, so only what the kernel buffers already held ever arrives.
  it("terminates a client that stops reading instead of buffering for it", async () => {
    const probe = await connect();
    const size = JSON.stringify((await probe.next((m) => m.type === "initialState")).data).length;
    const requests = Math.ceil((64 * 1024 * 1024) / size); // 64 MB of answers if all were sent

    const { port } = new URL(srv.url);
    const socket: Socket = tcpConnect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    const key = randomBytes(16).toString("base64");
    socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nX-API-Token: ${TEST_TOKEN}\r\n\r\n`);
    const head = await new Promise<string>((resolve) => socket.once("data", (d: Buffer) => resolve(d.toString("latin1"))));
    expect(head).toMatch(/^HTTP\/1\.1 101/);

    socket.pause();
    let closed = false;
    socket.once("close", () => (closed = true));
    const payload = Buffer.from('{"type":"requestData"}');
    const frame = (): Buffer => {
      const mask = randomBytes(4);
      const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
      return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
    };
    socket.write(Buffer.concat(Array.from({ length: requests }, frame)));
    await new Promise((r) => setTimeout(r, 3000));

    let received = 0;
    socket.on("data", (d: Buffer) => (received += d.length));
    socket.on("error", () => {});
    socket.resume();
    const deadline = Date.now() + 20_000;
    while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(true);
    // The kernel's buffers plus the 8 MB bound, far from the 64 MB asked for.
    expect(received).toBeLessThan(32 * 1024 * 1024);
    expect(received).toBeGreaterThan(size);
    await waitFor(async () => srv.output().includes("realtime client dropped"), 5000, "the drop to be logged");
    expect(srv.output()).toMatch(/send buffer over 8388608 bytes/);

    // Everyone else is still served.
    const from = probe.messages.length;
    probe.send({ type: "ping" });
    await probe.next((m) => m.type === "pong", from);
  });
});

/** Signed-in users: the same rules as `GET /api/state`, by session cookie or proxy headers. */
describe("realtime push for users", () => {
  const PASS = "admin-password-1234";
  const PROXY_SECRET = "proxy-secret-for-realtime";
  let srv: TestServer;

  beforeAll(async () => {
    srv = await startTestServer({ PULSE_AUTH_USER: "admin", PULSE_AUTH_PASS: PASS, PROXY_AUTH_SECRET: PROXY_SECRET, PROXY_AUTH_ROLE_HEADER: "X-Remote-Roles" });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  const upgradeStatus = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${srv.url.replace(/^http/, "ws")}/ws`, { headers });
      ws.on("open", () => {
        ws.terminate();
        resolve(101);
      });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", (err) => (/Unexpected server response/.test(err.message) ? undefined : reject(err)));
    });

  it("lets a session cookie in, and refuses a stale one", async () => {
    const login = await srv.fetch("/api/login", { auth: false, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: PASS }) });
    expect(login.status).toBe(200);
    const session = login.headers.getSetCookie().find((c) => c.startsWith("pulse_session="))!.split(";")[0];
    expect(await upgradeStatus({ Cookie: session, Origin: srv.url })).toBe(101);
    expect(await upgradeStatus({ Cookie: `pulse_session=${"0".repeat(64)}` })).toBe(401);
  });

  it("gives a proxied user the answer GET /api/state would get", async () => {
    for (const roles of ["viewer", "no-such-role"]) {
      const headers = { "X-Proxy-Secret": PROXY_SECRET, "X-Remote-User": "pat", "X-Remote-Roles": roles };
      const api = (await srv.fetch("/api/state", { auth: false, headers })).status;
      expect(await upgradeStatus(headers), roles).toBe(api === 200 ? 101 : api);
    }
    expect(await upgradeStatus({ "X-Proxy-Secret": "wrong", "X-Remote-User": "pat" })).toBe(401);
  });
});
