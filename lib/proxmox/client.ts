/**
 * Client for one PVE endpoint: transport + authentication + response parsing.
 */
import type { z } from "zod";
import { PveApi, type CallOptions, type HttpMethod } from "./api";
import { createAuth, type PveAuth } from "./auth";
import { parseHost, resolveCredentials, type PveCredentials, type PveInstanceConfig } from "./config";
import type { PveError, PveResult } from "./errors";
import { parseResponse } from "./response";
import { PveTransport } from "./transport";

export interface PveClientOptions {
  /** host in any form `parseHost` accepts */
  host: string;
  credentials: PveCredentials;
  verifySsl: boolean;
  fingerprint?: string;
  /** total per-request timeout (default 60 s) */
  timeoutMs?: number;
  /** response-header timeout (default 10 s) */
  headersTimeoutMs?: number;
  connections?: number;
  now?: () => number;
}

export class PveClient extends PveApi {
  /** `https://host:port` this client talks to */
  readonly origin: string;
  private readonly transport?: PveTransport;
  private readonly auth?: PveAuth;
  /** set when the options cannot work; every call then returns it */
  private configError?: PveError;

  constructor(opts: PveClientOptions) {
    super();
    let origin = opts.host;
    try {
      origin = parseHost(opts.host).origin;
    } catch (e) {
      this.configError = { kind: "unreachable", message: (e as Error).message };
    }
    this.origin = origin;
    if (!this.configError) {
      this.transport = new PveTransport({
        origin,
        verifySsl: opts.verifySsl,
        fingerprint: opts.fingerprint,
        timeoutMs: opts.timeoutMs,
        headersTimeoutMs: opts.headersTimeoutMs,
        connections: opts.connections,
      });
      this.auth = createAuth(opts.credentials, this.transport, opts.now);
    }
  }

  /** Client for `config.host` (or another member `host`/`fingerprint` of the same instance). */
  static fromConfig(config: PveInstanceConfig, override: { host?: string; fingerprint?: string; now?: () => number } = {}): PveClient {
    const creds = resolveCredentials(config);
    const client = new PveClient({
      host: override.host ?? config.host,
      // placeholder credentials keep construction total; the error is reported per call
      credentials: creds.ok ? creds.credentials : { kind: "token", tokenId: "", secret: "" },
      verifySsl: config.verifySsl,
      fingerprint: "fingerprint" in override ? override.fingerprint : config.fingerprint,
      timeoutMs: config.timeoutMs,
      now: override.now,
    });
    if (!creds.ok) client.configError = { kind: "auth_failed", message: creds.reason };
    return client;
  }

  async request<S extends z.ZodType>(method: HttpMethod, path: string, schema: S, opts: CallOptions = {}): Promise<PveResult<z.output<S>>> {
    if (this.configError || !this.transport || !this.auth) {
      return { ok: false, error: { ...(this.configError ?? { kind: "unreachable", message: "client not configured" }), path } };
    }
    let body: string | undefined;
    const extra: Record<string, string> = {};
    if (opts.body) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.body)) if (v !== undefined) form.append(k, String(v));
      body = form.toString();
      extra["content-type"] = "application/x-www-form-urlencoded";
    }
    for (let attempt = 0; ; attempt++) {
      const auth = await this.auth.headers(method);
      if (!auth.ok) return { ok: false, error: { ...auth.error, path: auth.error.path ?? path } };
      const raw = await this.transport.send({
        method,
        path,
        query: opts.query,
        headers: { ...auth.data, ...extra },
        body,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
      });
      if (!raw.ok) return raw;
      // an expired/revoked ticket: log in again once
      if (raw.data.status === 401 && attempt === 0 && this.auth.invalidate(auth.data)) continue;
      return parseResponse(raw.data, schema, path);
    }
  }

  close(): Promise<void> {
    return this.transport?.close() ?? Promise.resolve();
  }
}
