/**
 * The realtime hub behind `/ws` and `/socket.io/`: keeps the connected clients and pushes
 * every published state snapshot to them. Each snapshot is serialized once (the `rawData`
 * message, and one `stateDelta` message for the clients that asked for deltas) and the
 * same encoded message goes to every client. Publishes that arrive within `coalesceMs`
 * of the previous broadcast are merged into one (the newest snapshot wins); the first one
 * after a quiet period goes out at once.
 *
 * Transports plug in through `RealtimeConnection`; the hub never buffers for a client: a
 * client whose transport holds more than `maxBufferedBytes`, or has not drained for
 * `drainTimeoutMs`, is terminated.
 */
import { diffState } from "./delta";
import { encodeMessage, type OutgoingMessage, parseClientMessage, preEncodedMessage } from "./messages";

export interface RealtimeConnection {
  /** connected with `?deltas=1`: gets `stateDelta` after `initialState` instead of `rawData` */
  readonly deltas: boolean;
  send(message: OutgoingMessage): void;
  /** bytes accepted by `send` and not yet handed to the operating system */
  bufferedAmount(): number;
  /** drops the connection at once, without waiting for a close handshake */
  terminate(reason: string): void;
  /** sends a transport-level heartbeat; false when the previous one went unanswered */
  heartbeat?(): boolean;
}

export interface RealtimeSnapshot {
  /** the full payload: StateFrontend plus `resources[]` */
  data: { lastUpdate: number };
  /** `JSON.stringify(data)` when the caller already has it */
  json?: string;
}

export interface RealtimeHubOptions {
  coalesceMs?: number;
  pingIntervalMs?: number;
  maxBufferedBytes?: number;
  drainTimeoutMs?: number;
  now?: () => number;
  /** called when a client is terminated for being slow or unresponsive */
  onDrop?: (reason: string) => void;
}

export const WELCOME = { message: "Connected to Pulse WebSocket", orgId: "default" } as const;

interface Frame {
  snapshot: RealtimeSnapshot;
  at: Date;
  dataJson?: string;
  rawData?: OutgoingMessage;
  initialState?: OutgoingMessage;
}

interface Client {
  conn: RealtimeConnection;
  /** connected before any snapshot existed: its first state message is `initialState` */
  awaitingInitial: boolean;
  /** since when the transport has been seen holding unsent bytes */
  backlogSince?: number;
}

export class RealtimeHub {
  readonly coalesceMs: number;
  readonly pingIntervalMs: number;
  readonly maxBufferedBytes: number;
  readonly drainTimeoutMs: number;
  readonly stats = { published: 0, broadcasts: 0, dropped: 0 };

  private readonly clients = new Map<RealtimeConnection, Client>();
  private readonly now: () => number;
  private readonly onDrop?: (reason: string) => void;
  private current?: Frame;
  private pending?: RealtimeSnapshot;
  private lastBroadcastAt = Number.NEGATIVE_INFINITY;
  private flushTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;

  constructor(opts: RealtimeHubOptions = {}) {
    this.coalesceMs = opts.coalesceMs ?? 100;
    this.pingIntervalMs = opts.pingIntervalMs ?? 30_000;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.drainTimeoutMs = opts.drainTimeoutMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.onDrop = opts.onDrop;
  }

  /** Starts the periodic `ping` (which also sweeps out stuck clients). */
  start(): this {
    this.pingTimer ??= setInterval(() => this.pingAll(), this.pingIntervalMs);
    this.pingTimer.unref?.();
    return this;
  }

  /** Stops the timers and terminates every client. */
  stop(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.flushTimer);
    this.pingTimer = this.flushTimer = undefined;
    for (const client of [...this.clients.values()]) this.drop(client, "server shutting down", false);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The snapshot new clients start from, until the first publish. */
  seed(snapshot: RealtimeSnapshot): void {
    if (!this.current && !this.pending) this.current = { snapshot, at: new Date(this.now()) };
  }

  publish(snapshot: RealtimeSnapshot): void {
    this.stats.published++;
    this.pending = snapshot;
    if (this.flushTimer) return;
    const wait = this.lastBroadcastAt + this.coalesceMs - this.now();
    if (wait <= 0) this.flush();
    else this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  /** Broadcasts the pending snapshot now. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const snapshot = this.pending;
    if (!snapshot) return;
    this.pending = undefined;
    this.lastBroadcastAt = this.now();
    const previous = this.current;
    const frame: Frame = { snapshot, at: new Date(this.lastBroadcastAt) };
    this.current = frame;
    if (this.clients.size === 0) return;
    this.stats.broadcasts++;

    let delta: OutgoingMessage | undefined;
    for (const client of this.clients.values()) {
      if (client.awaitingInitial) {
        client.awaitingInitial = false;
        this.send(client, this.initialStateOf(frame));
      } else if (client.conn.deltas && previous) {
        delta ??= encodeMessage("stateDelta", diffState(previous.snapshot.data, snapshot.data), frame.at);
        this.send(client, delta);
      } else {
        this.send(client, this.rawDataOf(frame));
      }
    }
  }

  /** Registers a client and sends it `welcome` and the current state. */
  connect(conn: RealtimeConnection): void {
    const client: Client = { conn, awaitingInitial: !this.current };
    this.clients.set(conn, client);
    this.send(client, encodeMessage("welcome", WELCOME));
    if (this.current) this.send(client, this.initialStateOf(this.current));
  }

  disconnect(conn: RealtimeConnection): void {
    this.clients.delete(conn);
  }

  /** A message from a client (JSON text, or an already decoded Socket.IO event). */
  receive(conn: RealtimeConnection, input: unknown): void {
    const client = this.clients.get(conn);
    const message = client && parseClientMessage(input);
    if (!message) return;
    if (message.type === "ping") {
      this.send(client, encodeMessage("pong", { timestamp: Math.floor(this.now() / 1000) }));
    } else if (this.current) {
      client.awaitingInitial = false;
      this.send(client, this.rawDataOf(this.current));
    }
  }

  /** The `ping` every client gets each `pingIntervalMs`; also drops stuck and unresponsive clients. */
  pingAll(): void {
    const ping = encodeMessage("ping", { timestamp: Math.floor(this.now() / 1000) });
    for (const client of [...this.clients.values()]) {
      if (client.conn.heartbeat && !client.conn.heartbeat()) {
        this.drop(client, "no heartbeat answer");
        continue;
      }
      this.send(client, ping);
    }
  }

  private dataJsonOf(frame: Frame): string {
    frame.dataJson ??= frame.snapshot.json ?? JSON.stringify(frame.snapshot.data);
    return frame.dataJson;
  }

  private rawDataOf(frame: Frame): OutgoingMessage {
    frame.rawData ??= preEncodedMessage("rawData", this.dataJsonOf(frame), frame.at);
    return frame.rawData;
  }

  private initialStateOf(frame: Frame): OutgoingMessage {
    frame.initialState ??= preEncodedMessage("initialState", this.dataJsonOf(frame), frame.at);
    return frame.initialState;
  }

  private send(client: Client, message: OutgoingMessage): void {
    if (!this.clients.has(client.conn)) return;
    const conn = client.conn;
    const now = this.now();
    if (conn.bufferedAmount() > 0) {
      client.backlogSince ??= now;
      if (now - client.backlogSince > this.drainTimeoutMs) return this.drop(client, `send buffer not drained for ${this.drainTimeoutMs} ms`);
    } else {
      client.backlogSince = undefined;
    }
    try {
      conn.send(message);
    } catch {
      return this.drop(client, "send failed");
    }
    const buffered = conn.bufferedAmount();
    if (buffered > this.maxBufferedBytes) this.drop(client, `send buffer over ${this.maxBufferedBytes} bytes (${buffered})`);
  }

  private drop(client: Client, reason: string, count = true): void {
    this.clients.delete(client.conn);
    if (count) {
      this.stats.dropped++;
      this.onDrop?.(reason);
    }
    try {
      client.conn.terminate(reason);
    } catch {
      /* already gone */
    }
  }
}
