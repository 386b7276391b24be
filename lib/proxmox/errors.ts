/**
 * Typed outcome of every PVE call. Nothing is thrown across the client boundary:
 * callers switch on `error.kind`.
 */

export type PveErrorKind =
  | "unreachable"
  | "timeout"
  | "tls"
  | "fingerprint_mismatch"
  | "auth_failed"
  | "permission_denied"
  | "node_unreachable"
  | "not_found"
  | "api_error"
  | "invalid_response";

export interface PveError {
  kind: PveErrorKind;
  /** HTTP status when the server answered */
  status?: number;
  message: string;
  /** e.g. `Sys.Audit` from `Permission check failed (/nodes/pve1, Sys.Audit)` */
  privilege?: string;
  /** API path (below `/api2/json`) of the failed call */
  path?: string;
}

export type PveResult<T> = { ok: true; data: T } | { ok: false; error: PveError };

export function ok<T>(data: T): { ok: true; data: T } {
  return { ok: true, data };
}

export function fail(kind: PveErrorKind, message: string, extra: Omit<PveError, "kind" | "message"> = {}): { ok: false; error: PveError } {
  return { ok: false, error: { kind, message, ...extra } };
}

/** Errors that say "this endpoint could not be talked to", as opposed to an answer from PVE. */
export function isConnectionError(error: PveError): boolean {
  return error.kind === "unreachable" || error.kind === "timeout" || error.kind === "tls" || error.kind === "fingerprint_mismatch";
}

export function isAuthError(error: PveError): boolean {
  return error.kind === "auth_failed";
}

const PERMISSION_RE = /Permission check failed \(([^,()]*),\s*([A-Za-z][\w.]*(?:\s*[|,]\s*[A-Za-z][\w.]*)*)\)/;

export function parsePrivilege(message: string): string | undefined {
  const m = PERMISSION_RE.exec(message);
  return m ? m[2].trim() : undefined;
}

/** `/nodes/pve1/qemu/100/status/current` → `pve1` (proxied, node-scoped paths). */
export function nodeOfPath(path: string): string | undefined {
  const m = /^\/nodes\/([^/?]+)\//.exec(path);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/**
 * Map an HTTP error answer. 595/596 are pveproxy's "could not reach the proxied node"
 * pseudo-statuses, not a failure of the endpoint we talked to.
 */
export function errorFromStatus(status: number, message: string, path: string): PveError {
  const text = message.trim() || `HTTP ${status}`;
  switch (true) {
    case status === 401:
      return { kind: "auth_failed", status, message: text, path };
    case status === 403:
      return { kind: "permission_denied", status, message: text, path, privilege: parsePrivilege(text) };
    case status === 595 || status === 596:
      if (nodeOfPath(path) !== undefined) {
        return { kind: "node_unreachable", status, message: `node ${nodeOfPath(path)} unreachable: ${text}`, path };
      }
      return { kind: "api_error", status, message: text, path };
    case status === 404 || status === 501:
      return { kind: "not_found", status, message: text, path };
    default:
      return { kind: "api_error", status, message: text, path };
  }
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT", "ABORT_ERR"]);

export const FINGERPRINT_MISMATCH_CODE = "PVE_FINGERPRINT_MISMATCH";

/** Map a thrown transport error (undici, node:tls, AbortSignal) to a PveError. */
export function errorFromException(err: unknown, path: string): PveError {
  const e = (err ?? {}) as { code?: unknown; name?: string; message?: string; cause?: unknown };
  const cause = (e.cause ?? {}) as { code?: unknown; name?: string; message?: string };
  // DOMException (AbortSignal) carries a numeric legacy `code`
  const code = typeof e.code === "string" ? e.code : typeof cause.code === "string" ? cause.code : "";
  const name = e.name ?? "";
  const message = e.message || cause.message || String(err);
  if (code === FINGERPRINT_MISMATCH_CODE) return { kind: "fingerprint_mismatch", message, path };
  if (TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) {
    return { kind: "tls", message: `TLS: ${message}`, path };
  }
  if (TIMEOUT_CODES.has(code) || name === "TimeoutError" || cause.name === "TimeoutError") {
    return { kind: "timeout", message: `timeout: ${message}`, path };
  }
  if (name === "AbortError" || code === "UND_ERR_ABORTED") {
    return { kind: "timeout", message: `aborted: ${message}`, path };
  }
  return { kind: "unreachable", message: code ? `${code}: ${message}` : message, path };
}
