/**
 * `fetch` for the browser side of the dashboard: same-origin cookies, and on writes the
 * `X-CSRF-Token` header from the `pulse_csrf` cookie (the server refuses cookie-session
 * writes without it). A refusal for a stale CSRF token carries a fresh one: the request
 * is retried once with it.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const CSRF_COOKIE = "pulse_csrf";

export function readCookie(name: string): string | undefined {
  if (typeof document === "undefined") return undefined;
  for (const part of document.cookie.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

function withCsrf(init: RequestInit, token: string | undefined): RequestInit {
  const headers = new Headers(init.headers);
  if (token) headers.set("X-CSRF-Token", token);
  if (typeof init.body === "string" && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  return { ...init, headers, credentials: "same-origin" };
}

export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? "GET").toUpperCase();
  if (SAFE_METHODS.has(method)) return fetch(path, withCsrf(init, undefined));
  const res = await fetch(path, withCsrf(init, readCookie(CSRF_COOKIE)));
  if (res.status !== 403) return res;
  const fresh = res.headers.get("X-CSRF-Token");
  if (!fresh) return res;
  const body = (await res.clone().json().catch(() => undefined)) as { code?: string } | undefined;
  return body?.code === "csrf_invalid" ? fetch(path, withCsrf(init, fresh)) : res;
}

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  /** the parsed JSON body (or undefined for an empty one) */
  data: T;
}

/** `apiFetch` with a JSON body in and out. */
export async function apiJson<T = Record<string, unknown>>(path: string, init: Omit<RequestInit, "body"> & { body?: unknown } = {}): Promise<ApiResult<T>> {
  const { body, ...rest } = init;
  const res = await apiFetch(path, { ...rest, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { message: text };
  }
  return { ok: res.ok, status: res.status, data: data as T };
}

/** A readable message from an error body (Pulse's `message`, or our envelope's `error`). */
export function errorMessage(data: unknown, fallback = "Something went wrong"): string {
  if (data && typeof data === "object") {
    const d = data as { message?: unknown; error?: unknown };
    if (typeof d.message === "string" && d.message) return d.message;
    if (typeof d.error === "string" && d.error) return d.error;
  }
  return fallback;
}
