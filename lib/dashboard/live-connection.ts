/**
 * The browser's live copy of the state: a `/ws?deltas=1` connection that applies
 * `initialState`/`rawData`/`stateDelta`, reconnects with backoff, and polls
 * `GET /api/state` every 10 s while the WebSocket cannot connect (a reverse proxy that
 * does not forward upgrades closes it before it opens). Framework-free: the React hook
 * subscribes to it; tests drive it with the `ws` library.
 */
import { applyStateDelta, type StateDelta } from "../realtime/delta";
import type { StateFrontend } from "../state/models";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "polling" | "offline";

export interface LiveSnapshot {
  state: StateFrontend | undefined;
  status: LiveStatus;
  /** what the connection indicator says */
  reason: string;
  /** reconnect attempt in progress (0 while connected) */
  attempt: number;
  /** when the last state (message or poll) arrived, epoch ms */
  lastMessageAt: number | undefined;
}

/** The subset of the browser's WebSocket this needs (the `ws` library has it too). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface LiveConnectionOptions {
  /** absolute ws:// or wss:// URL of `/ws?deltas=1` (with `token` for kiosk viewers) */
  wsUrl: string;
  /** URL of `/api/state` (with `token` for kiosk viewers) */
  stateUrl: string;
  createSocket?: (url: string) => SocketLike;
  fetch?: typeof fetch;
  pollIntervalMs?: number;
  /** first reconnect delay; doubles per attempt up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** failed attempts in a row (after having been live) before polling starts */
  failuresBeforePolling?: number;
  /** no message for this long on an open socket = a dead connection (the server pings every 30 s) */
  staleAfterMs?: number;
  formatTime?: (epochMs: number) => string;
}

export const POLL_INTERVAL_MS = 10_000;
export const BLOCKED_REASON = "Live updates blocked — is your reverse proxy forwarding WebSockets? Polling every 10 s";

const OPEN = 1;

function defaultFormatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

export class LiveConnection {
  private snapshot: LiveSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly opts: Required<Omit<LiveConnectionOptions, "createSocket" | "fetch">> & Pick<LiveConnectionOptions, "createSocket" | "fetch">;
  private socket: SocketLike | undefined;
  private running = false;
  private everLive = false;
  /** failed connects in a row */
  private failures = 0;
  private polling = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private staleTimer: ReturnType<typeof setInterval> | undefined;
  private lastSocketMessageAt = 0;
  private signedOut = false;

  constructor(opts: LiveConnectionOptions, seed?: StateFrontend) {
    this.opts = {
      pollIntervalMs: POLL_INTERVAL_MS,
      backoffMs: 1000,
      maxBackoffMs: 30_000,
      failuresBeforePolling: 3,
      staleAfterMs: 75_000,
      formatTime: defaultFormatTime,
      ...opts,
    };
    this.snapshot = { state: seed, status: "connecting", reason: "Connecting…", attempt: 0, lastMessageAt: undefined };
  }

  getSnapshot = (): LiveSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * A server-rendered state, newer than what this holds: kept without notifying
   * (it is called while rendering, with the component reading it right after).
   */
  seed(state: StateFrontend): void {
    const current = this.snapshot.state;
    if (!current || state.lastUpdate > current.lastUpdate) this.snapshot = { ...this.snapshot, state };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
    this.staleTimer = setInterval(() => this.checkStale(), Math.min(10_000, this.opts.staleAfterMs));
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pollTimer);
    clearInterval(this.staleTimer);
    this.polling = false;
    const s = this.socket;
    this.socket = undefined;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      s.close();
    }
  }

  /** Try now instead of waiting out the backoff (the browser came back online). */
  retryNow(): void {
    if (!this.running || this.socket) return;
    clearTimeout(this.reconnectTimer);
    this.connect();
  }

  private update(patch: Partial<LiveSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  private offlineReason(): string {
    const at = this.snapshot.lastMessageAt;
    return at ? `Offline — last update ${this.opts.formatTime(at)}` : "Offline — no update received yet";
  }

  private connect(): void {
    if (!this.running) return;
    let socket: SocketLike;
    try {
      socket = (this.opts.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike))(this.opts.wsUrl);
    } catch {
      this.onSocketClosed(false);
      return;
    }
    this.socket = socket;
    // Live means messages arrive, not merely an open socket: a proxy may accept the
    // upgrade and drop it at once. The server greets every client right away.
    let delivered = false;
    socket.onopen = () => {
      this.lastSocketMessageAt = Date.now();
    };
    socket.onmessage = (ev) => {
      if (!delivered) {
        delivered = true;
        this.everLive = true;
        this.failures = 0;
        this.stopPolling();
        this.update({ status: "live", reason: "Live", attempt: 0 });
      }
      this.onMessage(socket, ev.data);
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.onSocketClosed(delivered);
    };
  }

  private onSocketClosed(wasLive: boolean): void {
    if (!this.running) return;
    this.failures = wasLive ? 1 : this.failures + 1;
    const attempt = this.failures;
    // Never live in this page: nothing gets through (a proxy without upgrades closes the
    // socket before it opens, or right after); after having been live, only repeated
    // failures count.
    const fallBack = !this.everLive || this.failures >= this.opts.failuresBeforePolling;
    if (fallBack) this.startPolling();
    else this.update({ status: "reconnecting", reason: `Reconnecting (attempt ${attempt})`, attempt });
    const delay = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** (attempt - 1));
    // Jitter, so a restarted server is not hit by every browser in the same instant.
    this.reconnectTimer = setTimeout(() => this.connect(), delay * (0.8 + Math.random() * 0.4));
  }

  private onMessage(socket: SocketLike, raw: unknown): void {
    if (typeof raw !== "string") return;
    let msg: { type?: string; data?: unknown };
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    this.lastSocketMessageAt = Date.now();
    if (msg.type === "initialState" || msg.type === "rawData") {
      if (msg.data && typeof msg.data === "object") this.update({ state: msg.data as StateFrontend, lastMessageAt: Date.now() });
    } else if (msg.type === "stateDelta") {
      const current = this.snapshot.state;
      const next = current ? applyStateDelta(current, msg.data as StateDelta) : null;
      // A missed message (or no state yet): ask for the whole state.
      if (next) this.update({ state: next, lastMessageAt: Date.now() });
      else if (socket.readyState === OPEN) socket.send(JSON.stringify({ type: "requestData" }));
    }
  }

  private checkStale(): void {
    const s = this.socket;
    // Open with nothing heard for too long (no ping, or no greeting): a dead connection.
    if (s && s.readyState === OPEN && Date.now() - this.lastSocketMessageAt > this.opts.staleAfterMs) {
      // Half-open: no ping for too long. Closing it runs the reconnect path.
      this.socket = undefined;
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      s.close();
      this.onSocketClosed(true);
    }
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    void this.poll();
  }

  private stopPolling(): void {
    this.polling = false;
    clearTimeout(this.pollTimer);
  }

  private async poll(): Promise<void> {
    if (!this.polling || !this.running) return;
    try {
      const res = await (this.opts.fetch ?? fetch)(this.opts.stateUrl, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } });
      if (!this.polling) return;
      if (res.status === 401) {
        this.signedOut = true;
        this.update({ status: "offline", reason: "Signed out — sign in again to see live data" });
      } else if (!res.ok) {
        throw new Error(`HTTP ${res.status}`);
      } else {
        const state = (await res.json()) as StateFrontend;
        if (!this.polling) return;
        this.signedOut = false;
        this.update({ state, status: "polling", reason: BLOCKED_REASON, attempt: this.failures, lastMessageAt: Date.now() });
      }
    } catch {
      if (this.polling) this.update({ status: "offline", reason: this.offlineReason() });
    }
    if (this.polling && this.running) this.pollTimer = setTimeout(() => void this.poll(), this.opts.pollIntervalMs);
  }

  /** true after `/api/state` answered 401 (the session is gone). */
  get isSignedOut(): boolean {
    return this.signedOut;
  }
}

/** `/ws?deltas=1` and `/api/state` of the page's origin, carrying a kiosk token. */
export function liveUrls(location: { protocol: string; host: string }, token?: string): { wsUrl: string; stateUrl: string } {
  const q = token ? `token=${encodeURIComponent(token)}` : "";
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return {
    wsUrl: `${proto}//${location.host}/ws?deltas=1${q ? `&${q}` : ""}`,
    stateUrl: `/api/state${q ? `?${q}` : ""}`,
  };
}
