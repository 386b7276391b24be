/** pveproxy's wire format: `{"data": …}` envelopes, errors in the status line and body, keep-alive dropped on errors. */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface ApiErrorOptions {
  /** Per-parameter texts, sent beside `message` for 400 parameter errors. */
  errors?: Record<string, string>;
  /** 401 and 595/596 carry no body at all. */
  emptyBody?: boolean;
}

/** An error as the Perl HTTP server reports it: status code, reason phrase, JSON message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly opts: ApiErrorOptions = {},
  ) {
    super(message);
  }
}

export const permissionDenied = (path: string, priv: string) => new ApiError(403, `Permission check failed (${path}, ${priv})`);
export const paramError = (errors: Record<string, string>) => new ApiError(400, "Parameter verification failed.", { errors });
export const notImplemented = (method: string, path: string) => new ApiError(501, `Method '${method} ${path}' not implemented`);
export const unauthorized = (reason: string) => new ApiError(401, reason, { emptyBody: true });
export const proxyFailure = (reason: string) => new ApiError(595, reason, { emptyBody: true });
/** A handler `die` — 500 with the first line in the status line. */
export const failure = (message: string) => new ApiError(500, message);

const JSON_TYPE = "application/json;charset=UTF-8";

/** HTTP dates change once a second; formatting one per request is wasted work under load. */
let dateSecond = 0;
let dateText = "";
function httpDate(): string {
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  if (sec !== dateSecond) {
    dateSecond = sec;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

function baseHeaders(length: number, json: boolean, close: boolean): Record<string, string | number> {
  const h: Record<string, string | number> = {
    "Cache-Control": "max-age=0",
    Pragma: "no-cache",
    Expires: httpDate(),
    Server: "pve-api-daemon/3.0",
    "Content-Length": length,
  };
  if (json) h["Content-Type"] = JSON_TYPE;
  if (close) h.Connection = "close";
  return h;
}

/** Reason phrases must be a single header-safe line. */
function reasonPhrase(message: string): string {
  const line = message.split("\n")[0].trim();
  return line.replace(/[^\x20-\x7e\x80-\xff]/g, "?") || "Error";
}

export function sendBody(res: ServerResponse, status: number, reason: string, body: string, extraHeaders?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const buf = Buffer.from(body);
  const close = status >= 400;
  const headers = { ...baseHeaders(buf.length, true, close), ...extraHeaders };
  if (close) res.shouldKeepAlive = false;
  res.writeHead(status, reasonPhrase(reason), headers);
  res.end(buf);
}

/** Success: `body` is the already serialised envelope. */
export function sendEnvelope(res: ServerResponse, body: string): void {
  sendBody(res, 200, "OK", body);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent || res.destroyed) return;
  if (err.opts.emptyBody) {
    res.shouldKeepAlive = false;
    res.writeHead(err.status, reasonPhrase(err.message), baseHeaders(0, false, true));
    res.end();
    return;
  }
  // Handler errors end in "\n" (Perl `die "…\n"`); the 501 text is produced without one.
  const message = err.status === 501 ? err.message : `${err.message}\n`;
  const payload: Record<string, unknown> = { data: null, message };
  if (err.opts.errors) payload.errors = err.opts.errors;
  sendBody(res, err.status, err.message, JSON.stringify(payload));
}

/** Serialises `{"data": payload, ...extra}`. */
export function envelope(payload: unknown, extra?: Record<string, unknown>): string {
  return JSON.stringify(extra ? { data: payload, ...extra } : { data: payload });
}

export function readBody(req: IncomingMessage, limit = 256 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ApiError(413, "Request Entity Too Large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Request parameters from a JSON or form-encoded body; scalars become strings as in the Perl server. */
export function parseBodyParams(contentType: string | undefined, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body) return out;
  if (contentType?.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ApiError(400, "malformed JSON body");
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) if (v !== null && v !== undefined) out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
