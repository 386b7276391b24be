/**
 * TLS policy for Proxmox endpoints (as Pulse's tlsutil): accept any certificate,
 * pin the SHA-256 of the leaf certificate, or verify against the CA store.
 */
import { createHash } from "node:crypto";
import tls, { type TLSSocket } from "node:tls";
import { buildConnector } from "undici";
import { FINGERPRINT_MISMATCH_CODE, fail, ok, type PveResult } from "./errors";
import { parseHost } from "./config";

/** Upper-case hex without separators; `undefined` for empty input. */
export function normalizeFingerprint(fp: string | undefined | null): string | undefined {
  if (!fp) return undefined;
  const hex = fp.replace(/[^0-9a-f]/gi, "").toUpperCase();
  return hex || undefined;
}

/** `AABB…` → `AA:BB:…` (the form the PVE GUI shows). */
export function formatFingerprint(fp: string): string {
  const hex = normalizeFingerprint(fp) ?? "";
  return hex.match(/.{1,2}/g)?.join(":") ?? "";
}

export function fingerprintsEqual(a: string | undefined, b: string | undefined): boolean {
  const x = normalizeFingerprint(a);
  return x !== undefined && x === normalizeFingerprint(b);
}

/** SHA-256 of the leaf certificate DER presented on `socket`. */
export function leafFingerprint(socket: TLSSocket): string | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  if (cert.raw) return formatFingerprint(createHash("sha256").update(cert.raw).digest("hex"));
  return cert.fingerprint256 ? formatFingerprint(cert.fingerprint256) : undefined;
}

export class FingerprintMismatchError extends Error {
  readonly code = FINGERPRINT_MISMATCH_CODE;
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`certificate fingerprint mismatch: expected ${formatFingerprint(expected)}, server presented ${actual ? formatFingerprint(actual) : "no certificate"}`);
    this.name = "FingerprintMismatchError";
  }
}

export interface TlsPolicy {
  verifySsl: boolean;
  fingerprint?: string;
  /** TCP + TLS handshake budget (Pulse: 10 s) */
  connectTimeoutMs?: number;
}

/**
 * undici connector honouring the policy. With a pin, CA verification is off and the leaf
 * hash is checked before the socket is handed to undici, so no request byte is sent to an
 * unexpected server. TLS session resumption is disabled then, so every socket is checked.
 */
export function createConnector(policy: TlsPolicy): buildConnector.connector {
  const pin = normalizeFingerprint(policy.fingerprint);
  const base = buildConnector({
    rejectUnauthorized: pin ? false : policy.verifySsl,
    timeout: policy.connectTimeoutMs ?? 10_000,
    maxCachedSessions: pin ? 0 : undefined,
  });
  if (!pin) return base;
  return (options, callback) => {
    base(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error("connect failed"), null);
      const actual = leafFingerprint(socket as TLSSocket) ?? "";
      if (normalizeFingerprint(actual) !== pin) {
        socket.destroy();
        return callback(new FingerprintMismatchError(pin, actual), null);
      }
      callback(null, socket);
    });
  };
}

/**
 * Trust-on-first-use: connect without verification and return the leaf certificate's
 * SHA-256 as `AA:BB:…`. Host may omit scheme and port (defaults https, 8006).
 */
export function fetchFingerprint(host: string, opts: { timeoutMs?: number } = {}): Promise<PveResult<string>> {
  let target: ReturnType<typeof parseHost>;
  try {
    target = parseHost(host);
  } catch (e) {
    return Promise.resolve(fail("unreachable", (e as Error).message));
  }
  const hostname = target.hostname.replace(/^\[|\]$/g, "");
  const servername = /^[\d.]+$|:/.test(hostname) ? undefined : hostname;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: PveResult<string>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = tls.connect({ host: hostname, port: target.port, servername, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
    const timer = setTimeout(() => done(fail("timeout", `TLS handshake with ${target.origin} timed out`)), opts.timeoutMs ?? 10_000);
    socket.once("secureConnect", () => {
      const fp = leafFingerprint(socket);
      done(fp ? ok(fp) : fail("tls", `${target.origin} presented no certificate`));
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      const code = err.code ?? "";
      const kind = code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") ? "tls" : "unreachable";
      done(fail(kind, `${target.origin}: ${code ? `${code}: ` : ""}${err.message}`));
    });
  });
}
