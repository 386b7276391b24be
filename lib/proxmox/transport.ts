/**
 * HTTP(S) transport to one Proxmox endpoint: keep-alive undici Agent (≤ 20 sockets),
 * TLS policy, response-header and total timeouts. HTTP error statuses are returned as
 * answers; only failures to get an answer become PveErrors here.
 */
import { Agent, request } from "undici";
import { errorFromException, ok, type PveResult } from "./errors";
import { createConnector, type TlsPolicy } from "./tls";

export interface TransportOptions extends TlsPolicy {
  /** `https://host:port` */
  origin: string;
  /** default response-header timeout (Pulse: 10 s) */
  headersTimeoutMs?: number;
  /** default total timeout per request (Pulse: 60 s) */
  timeoutMs?: number;
  /** sockets per endpoint (Pulse: 20) */
  connections?: number;
}

export interface SendOptions {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** path below `/api2/json`, starting with `/` */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: string;
  /** overrides both the header and the total timeout for this call */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  /** HTTP reason phrase: PVE puts its error text there (401 bodies are empty) */
  statusText: string;
  contentType: string;
  body: string;
}

const API_PREFIX = "/api2/json";
/** A 50-node/3000-guest `/cluster/resources` is ~2 MB; anything far beyond is not PVE. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class PveTransport {
  readonly origin: string;
  private readonly agent: Agent;
  private readonly headersTimeoutMs: number;
  private readonly timeoutMs: number;

  constructor(opts: TransportOptions) {
    this.origin = opts.origin.replace(/\/+$/, "");
    this.headersTimeoutMs = opts.headersTimeoutMs ?? 10_000;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.agent = new Agent({
      connections: opts.connections ?? 20,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: createConnector(opts),
    });
  }

  url(path: string, query?: SendOptions["query"]): string {
    let qs = "";
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
      const s = params.toString();
      if (s) qs = `?${s}`;
    }
    return `${this.origin}${API_PREFIX}${path}${qs}`;
  }

  async send(opts: SendOptions): Promise<PveResult<RawResponse>> {
    const total = opts.timeoutMs ?? this.timeoutMs;
    const headersTimeout = Math.min(opts.timeoutMs ?? this.headersTimeoutMs, total);
    const timeoutSignal = AbortSignal.timeout(total);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeoutSignal]) : timeoutSignal;
    try {
      const res = await request(this.url(opts.path, opts.query), {
        dispatcher: this.agent,
        method: opts.method,
        headers: { accept: "application/json", ...opts.headers },
        body: opts.body,
        headersTimeout,
        bodyTimeout: total,
        signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          res.body.destroy();
          throw Object.assign(new Error(`response body over ${MAX_BODY_BYTES} bytes`), { code: "PVE_BODY_TOO_LARGE" });
        }
        chunks.push(chunk);
      }
      const ct = res.headers["content-type"];
      return ok({
        status: res.statusCode,
        statusText: res.statusText ?? "",
        contentType: (Array.isArray(ct) ? ct[0] : ct) ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
      });
    } catch (err) {
      if (timeoutSignal.aborted && !opts.signal?.aborted) {
        return { ok: false, error: { kind: "timeout", message: `no complete answer from ${this.origin} within ${total} ms`, path: opts.path } };
      }
      if ((err as { code?: string }).code === "PVE_BODY_TOO_LARGE") {
        return { ok: false, error: { kind: "invalid_response", message: (err as Error).message, path: opts.path } };
      }
      return { ok: false, error: errorFromException(err, opts.path) };
    }
  }

  close(): Promise<void> {
    return this.agent.close().catch(() => undefined);
  }
}
