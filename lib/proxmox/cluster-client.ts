/**
 * Failover across the members of a PVE cluster. Any member answers cluster-wide calls and
 * proxies node-scoped ones, so each request goes to a healthy member and moves on to the
 * next one only when the member itself could not be talked to. PVE-level errors (595 from a
 * dead proxied node, guest-agent failures, 403, 400, 501, schema errors…) are answers, not
 * member failures (pve-api §7.1), and auth errors end the request at once.
 */
import type { z } from "zod";
import { PveApi, type CallOptions, type HttpMethod } from "./api";
import { PveClient } from "./client";
import { parseHost, type PveInstanceConfig } from "./config";
import { isConnectionError, nodeOfPath, type PveError, type PveResult } from "./errors";

export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EndpointHealth {
  origin: string;
  nodeName?: string;
  healthy: boolean;
  failures: number;
  /** epoch ms before which an unhealthy endpoint is only used as a last resort */
  retryAt: number;
  lastError?: string;
}

interface Endpoint extends EndpointHealth {
  client: PveClient;
}

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** transient answers worth trying on another member, without blaming this one */
const RETRY_ELSEWHERE = new Set([408, 425, 429, 502, 503, 504]);

export class PveClusterClient extends PveApi {
  private readonly list: Endpoint[];
  private preferred = 0;
  private readonly now: () => number;
  private readonly logger?: LoggerLike;

  constructor(config: PveInstanceConfig, opts: { now?: () => number; logger?: LoggerLike } = {}) {
    super();
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;
    const byOrigin = new Map<string, Endpoint>();
    const add = (host: string, nodeName: string | undefined, fingerprint: string | undefined) => {
      let origin: string;
      try {
        origin = parseHost(host).origin;
      } catch {
        origin = host;
      }
      const existing = byOrigin.get(origin);
      if (existing) {
        existing.nodeName ??= nodeName;
        return;
      }
      byOrigin.set(origin, {
        origin,
        nodeName,
        healthy: true,
        failures: 0,
        retryAt: 0,
        client: PveClient.fromConfig(config, { host, fingerprint, now: opts.now }),
      });
    };
    const main = config.clusterEndpoints?.find((e) => sameOrigin(e.host, config.host));
    add(config.host, main?.nodeName, main?.fingerprint ?? config.fingerprint);
    for (const e of config.clusterEndpoints ?? []) add(e.host, e.nodeName, e.fingerprint ?? config.fingerprint);
    this.list = [...byOrigin.values()];
  }

  endpoints(): EndpointHealth[] {
    return this.list.map(({ client: _c, ...h }) => ({ ...h }));
  }

  /** Origin of the member that answered last (for display as the node's `host`). */
  get activeOrigin(): string {
    return this.list[this.preferred].origin;
  }

  /** Origin configured for a member node, if that member is an endpoint. */
  originOfNode(node: string): string | undefined {
    return this.list.find((e) => e.nodeName === node)?.origin;
  }

  async request<S extends z.ZodType>(method: HttpMethod, path: string, schema: S, opts?: CallOptions): Promise<PveResult<z.output<S>>> {
    let last: PveError | undefined;
    for (const i of this.order()) {
      const ep = this.list[i];
      const res = await ep.client.request(method, path, schema, opts);
      if (res.ok) {
        this.markHealthy(i);
        return res;
      }
      const err = res.error;
      last = err;
      if (opts?.signal?.aborted || err.kind === "auth_failed") return res;
      if (err.kind === "api_error" && err.status !== undefined && RETRY_ELSEWHERE.has(err.status)) continue;
      if (!isConnectionError(err)) return res;
      if (err.kind === "timeout" && !blamesEndpoint(path, ep.nodeName)) return res;
      // a write that timed out may have been applied: never replay it on another member
      if (err.kind === "timeout" && method !== "GET") {
        this.markUnhealthy(i, err);
        return res;
      }
      this.markUnhealthy(i, err);
    }
    return { ok: false, error: last ?? { kind: "unreachable", message: "no cluster endpoint configured", path } };
  }

  close(): Promise<void> {
    return Promise.all(this.list.map((e) => e.client.close())).then(() => undefined);
  }

  /** Preferred member first, then other usable members, then those in backoff (soonest first). */
  private order(): number[] {
    const now = this.now();
    const usable: number[] = [];
    const waiting: number[] = [];
    for (let k = 0; k < this.list.length; k++) {
      const i = (this.preferred + k) % this.list.length;
      const ep = this.list[i];
      (ep.healthy || ep.retryAt <= now ? usable : waiting).push(i);
    }
    waiting.sort((a, b) => this.list[a].retryAt - this.list[b].retryAt);
    return usable.concat(waiting);
  }

  private markHealthy(i: number): void {
    const ep = this.list[i];
    if (!ep.healthy) this.logger?.info({ endpoint: ep.origin }, "PVE cluster endpoint recovered");
    ep.healthy = true;
    ep.failures = 0;
    ep.retryAt = 0;
    ep.lastError = undefined;
    this.preferred = i;
  }

  private markUnhealthy(i: number, err: PveError): void {
    const ep = this.list[i];
    ep.failures++;
    ep.healthy = false;
    ep.retryAt = this.now() + Math.min(BACKOFF_BASE_MS * 2 ** (ep.failures - 1), BACKOFF_MAX_MS);
    ep.lastError = err.message;
    this.logger?.warn({ endpoint: ep.origin, kind: err.kind, error: err.message, failures: ep.failures }, "PVE cluster endpoint unhealthy");
  }
}

/**
 * A timeout says the member is slow or gone only for calls it answers itself. Calls it
 * proxies to another node (`/nodes/<other>/…`) or into a guest agent time out for
 * reasons on the far side.
 */
function blamesEndpoint(path: string, endpointNode: string | undefined): boolean {
  const node = nodeOfPath(path);
  if (node === undefined) return true;
  if (path.includes("/agent/")) return false;
  return endpointNode !== undefined && node === endpointNode;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return parseHost(a).origin === parseHost(b).origin;
  } catch {
    return false;
  }
}
