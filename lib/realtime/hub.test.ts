import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyStateDelta, type StateDelta } from "./delta";
import { RealtimeHub, type RealtimeConnection } from "./hub";
import type { OutgoingMessage } from "./messages";

interface Envelope {
  type: string;
  data: any;
  timestamp: string;
}

/** A client connection that records what it is sent; `drains: false` models a reader that stopped reading. */
class FakeConnection implements RealtimeConnection {
  readonly sent: OutgoingMessage[] = [];
  buffered = 0;
  terminated?: string;
  alive = true;

  constructor(
    readonly deltas = false,
    private readonly drains = true,
  ) {}

  send(message: OutgoingMessage): void {
    this.sent.push(message);
    if (!this.drains) this.buffered += message.bytes.length;
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  terminate(reason: string): void {
    this.terminated = reason;
  }
  heartbeat(): boolean {
    return this.alive;
  }
  messages(): Envelope[] {
    return this.sent.map((m) => JSON.parse(m.text) as Envelope);
  }
  types(): string[] {
    return this.sent.map((m) => m.type);
  }
}

function snapshot(lastUpdate: number, cpu = 0.1, extra: Record<string, unknown> = {}) {
  return {
    data: {
      lastUpdate,
      nodes: [{ id: "pve-n1", cpu }],
      vms: Array.from({ length: 20 }, (_, i) => ({ id: `pve:n1:${100 + i}`, cpu: i === 0 ? cpu : 0.01 })),
      containers: [],
      resources: [{ id: "pve-n1", type: "node" }],
      connectionHealth: { pve: true },
      ...extra,
    },
  };
}

describe("RealtimeHub", () => {
  let hub: RealtimeHub;
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    hub = new RealtimeHub({ maxBufferedBytes: 64 * 1024, drainTimeoutMs: 5000 }).start();
  });
  afterEach(() => {
    hub.stop();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("greets a client with welcome, then initialState of the current snapshot", () => {
    hub.publish(snapshot(1));
    const c = new FakeConnection();
    hub.connect(c);
    const [welcome, initial] = c.messages();
    expect(welcome).toEqual({ type: "welcome", data: { message: "Connected to Pulse WebSocket", orgId: "default" }, timestamp: new Date().toISOString() });
    expect(initial.type).toBe("initialState");
    expect(initial.data).toEqual(snapshot(1).data);
    expect(new Date(initial.timestamp).toISOString()).toBe(initial.timestamp);
  });

  it("sends initialState on the first publish to clients that connected before any snapshot", () => {
    const c = new FakeConnection(true);
    hub.connect(c);
    expect(c.types()).toEqual(["welcome"]);
    hub.publish(snapshot(1));
    hub.publish(snapshot(2));
    vi.advanceTimersByTime(100);
    expect(c.types()).toEqual(["welcome", "initialState", "stateDelta"]);
  });

  it("pushes the first publish at once and merges those within 100 ms into one broadcast of the newest", () => {
    hub.publish(snapshot(1));
    const c = new FakeConnection();
    hub.connect(c);
    vi.advanceTimersByTime(500);

    hub.publish(snapshot(2));
    expect(c.types()).toEqual(["welcome", "initialState", "rawData"]);
    hub.publish(snapshot(3));
    vi.advanceTimersByTime(40);
    hub.publish(snapshot(4));
    vi.advanceTimersByTime(59);
    expect(c.sent).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(c.types()).toEqual(["welcome", "initialState", "rawData", "rawData"]);
    expect(c.messages().map((m) => m.data.lastUpdate)).toEqual([undefined, 1, 2, 4]);
    expect(hub.stats).toMatchObject({ published: 4, broadcasts: 2 });
  });

  it("serializes each snapshot once and hands every client the same encoded message", () => {
    hub.publish(snapshot(1));
    const raw = Array.from({ length: 30 }, () => new FakeConnection());
    const deltas = Array.from({ length: 30 }, () => new FakeConnection(true));
    for (const c of [...raw, ...deltas]) hub.connect(c);
    // The snapshot's initialState message is shared by every client that connected on it.
    expect(new Set(raw.map((c) => c.sent[1])).size).toBe(1);
    vi.advanceTimersByTime(1000);

    const stringify = vi.spyOn(JSON, "stringify");
    hub.publish(snapshot(2, 0.9));
    // one for the rawData payload, one for the delta
    expect(stringify).toHaveBeenCalledTimes(2);
    const rawMessages = raw.map((c) => c.sent.at(-1)!);
    const deltaMessages = deltas.map((c) => c.sent.at(-1)!);
    expect(new Set(rawMessages).size).toBe(1);
    expect(new Set(deltaMessages).size).toBe(1);
    expect(rawMessages[0].type).toBe("rawData");
    expect(deltaMessages[0].type).toBe("stateDelta");
    // The encoded forms are derived once too: the same string and buffer instances.
    expect(raw[0].sent.at(-1)!.text).toBe(raw[29].sent.at(-1)!.text);
    expect(raw[0].sent.at(-1)!.bytes).toBe(raw[29].sent.at(-1)!.bytes);
    expect(stringify).toHaveBeenCalledTimes(2);

    // A snapshot that arrives serialized is not serialized again.
    vi.advanceTimersByTime(1000);
    stringify.mockClear();
    const s = snapshot(3, 0.5);
    const json = JSON.stringify(s.data);
    stringify.mockClear();
    hub.publish({ ...s, json });
    expect(stringify).toHaveBeenCalledTimes(1); // the delta only
    expect(raw[0].sent.at(-1)!.dataJson).toBe(json);
  });

  it("gives delta clients stateDelta messages that rebuild each snapshot", () => {
    hub.publish(snapshot(1));
    const c = new FakeConnection(true);
    hub.connect(c);
    let state = c.messages()[1].data;
    const published = [snapshot(2, 0.5), snapshot(3, 0.5, { connectionHealth: { pve: false } }), snapshot(4, 0.7, { vms: [{ id: "pve:n1:200", cpu: 1 }] })];
    for (const s of published) {
      vi.advanceTimersByTime(200);
      hub.publish(s);
      const msg = c.messages().at(-1)!;
      expect(msg.type).toBe("stateDelta");
      const delta = msg.data as StateDelta;
      expect(delta.base).toBe(state.lastUpdate);
      state = applyStateDelta(state, delta);
      expect(state).toEqual(s.data);
    }
    const last = c.messages().at(-1)!.data as StateDelta;
    expect(last.remove.vms).toHaveLength(20);
    expect(last.upsert.vms).toEqual([{ id: "pve:n1:200", cpu: 1 }]);
    expect(last.patch?.nodes).toEqual([{ id: "pve-n1", set: { cpu: 0.7 } }]);
  });

  it("answers requestData with a full rawData to that client only, and ping with pong", () => {
    hub.publish(snapshot(7));
    const a = new FakeConnection(true);
    const b = new FakeConnection();
    hub.connect(a);
    hub.connect(b);
    hub.receive(a, '{"type":"requestData"}');
    hub.receive(a, JSON.stringify({ type: "ping" }));
    hub.receive(a, "not json");
    hub.receive(a, '{"type":"unknown"}');
    hub.receive(b, { type: "requestData", extra: 1 });
    expect(a.types()).toEqual(["welcome", "initialState", "rawData", "pong"]);
    expect(a.messages()[2].data).toEqual(snapshot(7).data);
    expect(a.messages()[3].data).toEqual({ timestamp: Math.floor(Date.now() / 1000) });
    expect(b.types()).toEqual(["welcome", "initialState", "rawData"]);
  });

  it("pings every 30 s and drops clients that stopped answering heartbeats", () => {
    hub.publish(snapshot(1));
    const alive = new FakeConnection();
    const dead = new FakeConnection();
    hub.connect(alive);
    hub.connect(dead);
    vi.advanceTimersByTime(29_999);
    expect(alive.types()).not.toContain("ping");
    dead.alive = false;
    vi.advanceTimersByTime(1);
    expect(alive.messages().at(-1)).toMatchObject({ type: "ping", data: { timestamp: Math.floor(Date.now() / 1000) } });
    expect(dead.terminated).toBe("no heartbeat answer");
    expect(dead.types()).not.toContain("ping");
    expect(hub.clientCount).toBe(1);
  });

  it("terminates a client whose send buffer outgrows the bound, without holding its messages", () => {
    const big = { data: { ...snapshot(1).data, blob: "x".repeat(20 * 1024) } };
    hub.publish(big);
    const stuck = new FakeConnection(false, false);
    const fine = new FakeConnection();
    hub.connect(stuck);
    hub.connect(fine);
    for (let i = 2; i <= 6; i++) {
      vi.advanceTimersByTime(200);
      hub.publish({ data: { ...big.data, lastUpdate: i } });
    }
    expect(stuck.terminated).toMatch(/send buffer over 65536 bytes/);
    expect(stuck.sent.length).toBeLessThan(6);
    expect(fine.terminated).toBeUndefined();
    expect(fine.types().filter((t) => t === "rawData")).toHaveLength(5);
    expect(hub.stats.dropped).toBe(1);
    expect(hub.clientCount).toBe(1);
  });

  it("terminates a client that has not drained for drainTimeoutMs even under the bound", () => {
    hub.publish(snapshot(1));
    const slow = new FakeConnection();
    hub.connect(slow);
    slow.buffered = 100; // stays below the bound, but never reaches zero
    vi.advanceTimersByTime(200);
    hub.publish(snapshot(2));
    expect(slow.terminated).toBeUndefined();
    vi.advanceTimersByTime(5001);
    hub.publish(snapshot(3));
    expect(slow.terminated).toMatch(/not drained/);
  });

  it("stops sending to a disconnected client", () => {
    hub.publish(snapshot(1));
    const c = new FakeConnection();
    hub.connect(c);
    hub.disconnect(c);
    vi.advanceTimersByTime(200);
    hub.publish(snapshot(2));
    hub.receive(c, '{"type":"ping"}');
    expect(c.sent).toHaveLength(2);
    expect(hub.stats.broadcasts).toBe(0);
  });
});
