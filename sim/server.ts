/** pveproxy: HTTPS listeners and the request pipeline (faults → route → auth → proxy → handler). */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Auth, Principal } from "./auth";
import type { Cluster } from "./cluster";
import type { FaultRegistry, SimFaultEntry } from "./faults";
import type { History } from "./history";
import {
  ApiError, delay, failure, notImplemented, parseBodyParams, proxyFailure, readBody, sendEnvelope, sendError, envelope,
} from "./http";
import type { SimNode } from "./model";
import { Raw, verifyParams, type RouteContext, type Router } from "./router";
import type { TlsMaterial } from "./tls";

export interface PipelineDeps {
  cluster: Cluster;
  history: History;
  faults: FaultRegistry;
  auth: Auth;
  router: Router;
  unauthorizedDelayMs: number;
  stats: { requests: number; byPath: Map<string, number> };
  /** Control API (/_sim/…), when enabled. */
  control?: (req: IncomingMessage, res: ServerResponse, path: string) => void;
}

const API_PREFIX = "/api2/json";
const ANONYMOUS: Principal = { userid: "", cacheKey: "anonymous", viaTicket: false, can: () => false };

/** Status faults answer like the real failure they imitate: 401/595/596 without a body. */
function faultError(f: SimFaultEntry & { kind: "status" }): ApiError {
  const defaults: Record<number, string> = {
    401: "authentication failure", 403: "Permission check failed", 500: "internal server error",
    501: "not implemented", 502: "Bad Gateway", 503: "Service Unavailable", 595: "No route to host", 596: "Connection timed out",
  };
  const message = f.message ?? defaults[f.status] ?? "simulated failure";
  return new ApiError(f.status, message, { emptyBody: f.status === 401 || f.status === 595 || f.status === 596 });
}

export function createRequestHandler(deps: PipelineDeps, local: SimNode) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const qi = url.indexOf("?");
    const rawPath = qi < 0 ? url : url.slice(0, qi);
    if (deps.control && rawPath.startsWith("/_sim/")) {
      deps.control(req, res, rawPath);
      return;
    }
    handleApi(deps, local, req, res, rawPath, qi < 0 ? "" : url.slice(qi + 1)).catch((err: unknown) => {
      sendError(res, err instanceof ApiError ? err : new ApiError(500, err instanceof Error ? err.message : String(err)));
    });
  };
}

async function handleApi(deps: PipelineDeps, local: SimNode, req: IncomingMessage, res: ServerResponse, rawPath: string, query: string): Promise<void> {
  const method = req.method ?? "GET";
  const { cluster, faults } = deps;
  deps.stats.requests++;
  let path = rawPath.startsWith(API_PREFIX) ? rawPath.slice(API_PREFIX.length) : undefined;
  try {
    if (path === undefined || (path !== "" && path[0] !== "/")) throw notImplemented(method, rawPath);
    if (path.length > 1 && path.endsWith("/")) path = path.replace(/\/+$/, "");
    if (path === "") path = "/";
    cluster.ensureFresh();
    if (faults.slowFaults.length) {
      const ms = faults.delayFor(path);
      if (ms > 0) await delay(ms);
    }
    if (faults.statusFaults.length) {
      const f = faults.statusFor(path);
      if (f) throw faultError(f);
    }
    const match = deps.router.match(method, path);
    if (!match) {
      bump(deps, "unmatched");
      throw notImplemented(method, path);
    }
    const { route, params } = match;
    bump(deps, `${method} ${route.pattern}`);
    const principal = route.public ? ANONYMOUS : deps.auth.authenticate(req.headers, method);
    const args: Record<string, string> = {};
    if (query) for (const [k, v] of new URLSearchParams(query)) args[k] = v;
    if (method !== "GET" && method !== "HEAD") Object.assign(args, parseBodyParams(req.headers["content-type"], await readBody(req)));
    // /nodes/{node}/… is proxied to that node: unknown names fail the lookup, dead nodes give 595.
    if (params.node !== undefined) {
      const node = cluster.node(params.node);
      if (!node) throw failure(`hostname lookup '${params.node}' failed - failed to get address info for: ${params.node}: Name or service not known`);
      if (!cluster.isOnline(node)) {
        const hang = faults.nodeOffline(node.name)?.hangMs;
        if (hang) {
          await delay(hang);
          throw proxyFailure("Connection timed out");
        }
        throw proxyFailure("No route to host");
      }
    }
    verifyParams(route, params, args);
    const ctx: RouteContext = { req, method, path, params, args, principal, cluster, history: deps.history, faults, local, auth: deps.auth };
    let result = route.handler(ctx);
    if (result instanceof Promise) result = await result;
    sendEnvelope(res, result instanceof Raw ? result.body : envelope(result));
  } catch (err) {
    const apiErr = err instanceof ApiError ? err : new ApiError(500, err instanceof Error ? err.message : String(err));
    // pveproxy delays every 401 so that password guessing is slow.
    if (apiErr.status === 401 && deps.unauthorizedDelayMs > 0) await delay(deps.unauthorizedDelayMs);
    sendError(res, apiErr);
  }
}

function bump(deps: PipelineDeps, key: string): void {
  deps.stats.byPath.set(key, (deps.stats.byPath.get(key) ?? 0) + 1);
}

/** One pveproxy listener; closing it refuses new connections and drops open ones. */
export class Listener {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private open = false;
  lastError: Error | undefined;

  constructor(
    readonly host: string,
    public port: number,
    readonly tls: TlsMaterial,
    readonly node: SimNode,
    handler: (req: IncomingMessage, res: ServerResponse) => void,
  ) {
    this.server = createServer({ key: tls.key, cert: tls.cert, keepAliveTimeout: 15_000 }, handler);
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    this.server.on("error", (e) => {
      this.lastError = e;
    });
    // Clients that hang up during a TLS handshake must not crash the process.
    this.server.on("tlsClientError", () => {});
  }

  get listening(): boolean {
    return this.open;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once("error", onError);
      this.server.listen(this.port, this.host, () => {
        this.server.off("error", onError);
        const addr = this.server.address();
        if (addr && typeof addr === "object") this.port = addr.port;
        this.open = true;
        resolve();
      });
    });
  }

  /** Rebinds after a stop (synchronous bind, so the port is back when this returns). */
  resume(): void {
    if (this.open) return;
    this.open = true;
    this.server.listen(this.port, this.host);
  }

  /** Stops accepting and destroys open connections, except `spare` (a control request in flight). */
  stop(spare?: Socket): void {
    if (!this.open) return;
    this.open = false;
    this.server.close();
    // `spare` is the TLS socket of a request; its raw TCP socket is what we track here.
    const spareRaw = (spare as (Socket & { _parent?: Socket }) | undefined)?._parent ?? spare;
    for (const s of this.sockets) {
      if (s === spareRaw) continue;
      s.destroy();
    }
  }

  async shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    this.open = false;
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
