/**
 * Realtime push on the custom server's one http server: raw WebSocket on `/ws` (ws,
 * routed from the `upgrade` event) and Socket.IO on `/socket.io/`, both fed by one
 * RealtimeHub from the state replica. Every connection is authorized before it is
 * upgraded, as a `GET /api/state` (monitoring:read) by the same rules as the API, and a
 * browser's Origin must be allowed; refusals are plain HTTP answers (401/403) on the socket.
 * Upgrades for any other path get 404, except Next's own (`/_next/`).
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { Server as SocketIoServer, type Socket } from "socket.io";
import { WebSocket, WebSocketServer } from "ws";
import { ApiError, errorEnvelope } from "../lib/api/errors";
import { authorize } from "../lib/auth/authorize";
import { getEnv } from "../lib/config/env";
import { parseOriginList } from "../lib/http/header-policy.mjs";
import { isAllowedWebSocketOrigin } from "../lib/http/origin";
import { logger } from "../lib/logger";
import { RealtimeHub, type RealtimeConnection, type RealtimeHubOptions } from "../lib/realtime/hub";
import { MAX_CLIENT_MESSAGE_BYTES, type OutgoingMessage } from "../lib/realtime/messages";
import { realtimeSnapshot } from "../lib/realtime/snapshot";
import { getPublishedState, onStatePublished } from "../lib/state/store";

export const WS_PATH = "/ws";
export const SOCKET_IO_PATH = "/socket.io/";

export interface Realtime {
  hub: RealtimeHub;
  /** Terminates every realtime client (before the http server closes, which waits for them). */
  close(): Promise<void>;
}

type Admission = { ok: true } | { ok: false; status: number; headers: Record<string, string>; body: string };

/** Origin and credentials of a WebSocket or Socket.IO request, checked before anything is upgraded. */
async function admit(req: IncomingMessage): Promise<Admission> {
  // As for HTTP requests: the socket address, never a client-supplied value.
  req.headers["x-pulse-client-ip"] = req.socket.remoteAddress ?? "";
  const allowed = parseOriginList(getEnv().ALLOWED_ORIGINS);
  if (!isAllowedWebSocketOrigin(req.headers.origin, req.headers.host, allowed)) {
    return refusal(new ApiError("forbidden", "Origin not allowed"));
  }
  try {
    await authorize(toRequest(req), "GET /api/state");
    return { ok: true };
  } catch (err) {
    if (err instanceof ApiError) return refusal(err);
    logger.error({ err }, "realtime authorization failed");
    return refusal(new ApiError("internal_error", "Internal server error"));
  }
}

function refusal(err: ApiError): Admission {
  const headers = { ...err.headers };
  if (err.status === 401) headers["WWW-Authenticate"] ??= 'Bearer realm="pulse"';
  return { ok: false, status: err.status, headers, body: JSON.stringify(errorEnvelope(err.code, err.message, err.extra)) };
}

/** The upgrade request as a fetch Request, so the API's authorization rules apply unchanged. */
function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    } catch {
      /* a header fetch cannot represent: not one authorization reads */
    }
  }
  headers.set("x-pulse-client-ip", String(req.headers["x-pulse-client-ip"] ?? ""));
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  } catch {
    url = new URL(req.url ?? "/", "http://localhost");
  }
  return new Request(url, { method: "GET", headers });
}

function writeRefusal(socket: Duplex, a: Extract<Admission, { ok: false }>): void {
  const lines = [`HTTP/1.1 ${a.status} ${STATUS_CODES[a.status] ?? ""}`, "Content-Type: application/json", `Content-Length: ${Buffer.byteLength(a.body)}`, "Connection: close"];
  for (const [k, v] of Object.entries(a.headers)) lines.push(`${k}: ${v}`);
  socket.end(`${lines.join("\r\n")}\r\n\r\n${a.body}`);
}

function wantsDeltas(url: string | undefined): boolean {
  const query = new URLSearchParams((url ?? "").split("?")[1] ?? "");
  return ["1", "true"].includes(query.get("deltas") ?? "");
}

/** A `/ws` client. Text frames carry the shared UTF-8 bytes of each message. */
class WsConnection implements RealtimeConnection {
  private awaitingPong = false;

  constructor(
    private readonly ws: WebSocket,
    readonly deltas: boolean,
  ) {
    ws.on("pong", () => (this.awaitingPong = false));
  }

  send(message: OutgoingMessage): void {
    this.ws.send(message.bytes, { binary: false });
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  terminate(): void {
    this.ws.terminate();
  }

  heartbeat(): boolean {
    if (this.awaitingPong) return false;
    this.awaitingPong = true;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
    return true;
  }
}

interface EngineConn {
  write(data: string, options?: Record<string, unknown>): void;
  writeBuffer?: { data?: unknown }[];
  transport?: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
}

/**
 * A Socket.IO client: event name = message type, payload = data. The Socket.IO packet
 * (`2["type",data]`) and its WebSocket frame are built once per message from the already
 * serialized data, as Socket.IO's own broadcasts do, and written to the Engine.IO socket.
 */
class SocketIoConnection implements RealtimeConnection {
  constructor(
    private readonly socket: Socket,
    readonly deltas: boolean,
  ) {}

  private get engine(): EngineConn {
    return this.socket.conn as unknown as EngineConn;
  }

  send(message: OutgoingMessage): void {
    const encoded = message.derive("socket.io", (m) => {
      const packet = `2["${m.type}",${m.dataJson}]`;
      // "4" is Engine.IO's message packet type.
      const frame = (WebSocket as unknown as { Sender: { frame(data: Buffer, opts: object): Buffer[] } }).Sender.frame(Buffer.from(`4${packet}`), {
        readOnly: false,
        mask: false,
        rsv1: false,
        opcode: 1,
        fin: true,
      });
      return { packet, frame };
    });
    this.engine.write(encoded.packet, { wsPreEncodedFrame: encoded.frame });
  }

  bufferedAmount(): number {
    const engine = this.engine;
    let bytes = 0;
    for (const p of engine.writeBuffer ?? []) bytes += typeof p.data === "string" ? p.data.length : 0;
    if (engine.transport?.name === "websocket") bytes += engine.transport.socket?.bufferedAmount ?? 0;
    return bytes;
  }

  terminate(): void {
    const transport = this.engine.transport;
    this.socket.disconnect(true);
    // A close handshake would queue behind the backlog: drop the TCP connection.
    if (transport?.name === "websocket") transport.socket?.terminate?.();
  }
}

export function attachRealtime(server: Server, opts: RealtimeHubOptions = {}): Realtime {
  const hub = new RealtimeHub({
    ...opts,
    onDrop: (reason) => logger.warn({ reason }, "realtime client dropped"),
  }).start();
  const unsubscribe = onStatePublished((published) => hub.publish(realtimeSnapshot(published)));
  /** New clients start from the current snapshot, even before the worker's first one. */
  const seed = async () => hub.seed(realtimeSnapshot(await getPublishedState()));

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  wss.on("connection", (ws: WebSocket, req: IncomingMessage) => {
    const conn = new WsConnection(ws, wantsDeltas(req.url));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) hub.receive(conn, data.toString());
    });
    ws.on("close", () => hub.disconnect(conn));
    ws.on("error", () => hub.disconnect(conn));
    hub.connect(conn);
  });

  const io = new SocketIoServer(server, {
    path: SOCKET_IO_PATH,
    serveClient: false,
    destroyUpgrade: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
  });
  // Engine.IO runs this for every polling request and upgrade, before its handshake.
  io.engine.use((req: IncomingMessage, res: ServerResponse | unknown, next: (err?: unknown) => void) => {
    admit(req)
      .then(async (a) => {
        if (a.ok) {
          await seed();
          return next();
        }
        // Answered here; Engine.IO's own refusal would be a 400/403 without Pulse's body.
        if (req.headers.upgrade) writeRefusal(req.socket, a);
        else {
          const response = res as ServerResponse;
          response.writeHead(a.status, { "Content-Type": "application/json", ...a.headers });
          response.end(a.body);
        }
      })
      .catch(next);
  });
  io.on("connection", (socket) => {
    const conn = new SocketIoConnection(socket, wantsDeltas(socket.request.url));
    socket.onAny((event: string) => hub.receive(conn, { type: event }));
    socket.on("disconnect", () => hub.disconnect(conn));
    hub.connect(conn);
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? "/";
    if (url.startsWith("/_next/") || url.startsWith(SOCKET_IO_PATH)) return; // Next's and Engine.IO's listeners
    const pathname = url.split("?")[0];
    if (pathname !== WS_PATH && pathname !== `${WS_PATH}/`) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    socket.on("error", () => socket.destroy());
    void admit(req)
      .then(async (a) => {
        if (!a.ok) return writeRefusal(socket, a);
        await seed();
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
      })
      .catch((err) => {
        logger.error({ err }, "WebSocket upgrade failed");
        socket.destroy();
      });
  });

  return {
    hub,
    close: async () => {
      unsubscribe();
      hub.stop();
      io.disconnectSockets(true);
      io.engine.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
