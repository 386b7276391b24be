/**
 * Who is calling: resolved from the request in Pulse's order — proxy auth headers, an
 * API token (`X-API-Token`, `Authorization: Bearer`, `?token=` on read-only requests),
 * the `pulse_session` cookie, HTTP Basic. Users carry the permissions of their roles;
 * tokens carry scopes.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Db } from "../db/client";
import { findApiTokenByHash, touchApiTokenLastUsed } from "../db/api-tokens";
import { hashToken, safeEqualHex } from "../crypto/tokens";
import { parseCookies } from "./cookies";
import { type ConfiguredCredentials, getCredentials } from "./credentials";
import { resolveProxyUser } from "./proxy-auth";
import type { Permission } from "./roles";
import { findSession, SESSION_COOKIE, type SessionRecord } from "./sessions";
import { permissionsOf } from "./users";

export type Principal =
  | { kind: "anonymous" }
  | { kind: "token"; tokenId: string; name: string; scopes: readonly string[]; source: "env" | "stored" }
  | { kind: "user"; username: string; method: "session" | "basic" | "proxy" | "recovery"; permissions: Permission[]; session?: SessionRecord };

/** A credential was presented but is not valid (as opposed to none presented). */
export class InvalidCredentialsError extends Error {}

const MAX_SECRET_LENGTH = 1024;
/** Last-used times are written at most this often per token. */
const TOUCH_INTERVAL_MS = 60_000;
/** Successful Basic logins are remembered briefly: bcrypt cost 12 takes ~200 ms per check. */
const BASIC_CACHE_MS = 5 * 60_000;

const g = globalThis as unknown as { __pulseTokenTouched?: Map<string, number>; __pulseBasicCache?: Map<string, number> };

export function presentedToken(request: Request): { token: string; via: "header" | "query" } | undefined {
  const header = request.headers.get("x-api-token");
  if (header) return { token: header.trim(), via: "header" };
  const auth = request.headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return { token: auth.replace(/^bearer\s+/i, "").trim(), via: "header" };
  const query = new URL(request.url).searchParams.get("token");
  if (query) return { token: query, via: "query" };
  return undefined;
}

async function tokenPrincipal(db: Db, creds: ConfiguredCredentials, raw: string): Promise<Principal | undefined> {
  if (!raw || raw.length > MAX_SECRET_LENGTH) return undefined;
  const hash = hashToken(raw);
  // Compare against every env record so timing does not reveal which one matched.
  let env: ConfiguredCredentials["tokens"][number] | undefined;
  for (const record of creds.tokens) if (safeEqualHex(hash, record.hash) && !env) env = record;
  if (env) return { kind: "token", tokenId: env.id, name: env.name, scopes: env.scopes, source: "env" };

  const stored = await findApiTokenByHash(db, hash);
  if (!stored) return undefined;
  const touched = (g.__pulseTokenTouched ??= new Map());
  if (Date.now() - (touched.get(stored.id) ?? 0) > TOUCH_INTERVAL_MS) {
    touched.set(stored.id, Date.now());
    await touchApiTokenLastUsed(db, stored.id).catch(() => {});
  }
  return { kind: "token", tokenId: stored.id, name: stored.name, scopes: stored.scopes.length ? stored.scopes : ["*"], source: "stored" };
}

async function basicUsername(db: Db, creds: ConfiguredCredentials, header: string): Promise<string | undefined> {
  if (!/^basic\s+/i.test(header) || header.length > MAX_SECRET_LENGTH * 2) return undefined;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ""), "base64").toString("utf8");
  const sep = decoded.indexOf(":");
  if (sep < 0) return undefined;
  const username = decoded.slice(0, sep);
  const password = decoded.slice(sep + 1);
  if (!username || password.length > MAX_SECRET_LENGTH) return undefined;

  const row = await db.user.findUnique({ where: { username } });
  const hash = row?.passwordHash ?? (creds.user?.username === username ? creds.user.passwordHash : undefined);
  if (!hash || row?.disabled) return undefined;
  const cache = (g.__pulseBasicCache ??= new Map());
  const key = createHash("sha256").update(`${hash}\0${decoded}`).digest("hex");
  if ((cache.get(key) ?? 0) > Date.now()) return username;
  if (!(await bcrypt.compare(password, hash))) return undefined;
  cache.set(key, Date.now() + BASIC_CACHE_MS);
  return username;
}

export function clearBasicCache(): void {
  g.__pulseBasicCache?.clear();
}

/**
 * The principal behind a request; `undefined` when no credential was presented.
 * @throws InvalidCredentialsError when one was presented but is not valid.
 */
export async function resolvePrincipal(request: Request, db: Db): Promise<Principal | undefined> {
  const proxied = resolveProxyUser(request);
  if (proxied === "invalid") throw new InvalidCredentialsError("Invalid proxy authentication");
  if (proxied) return { kind: "user", username: proxied.username, method: "proxy", permissions: proxied.permissions };

  const creds = getCredentials();
  const presented = presentedToken(request);
  if (presented) {
    const readOnly = ["GET", "HEAD", "OPTIONS"].includes(request.method);
    if (presented.via === "query" && !readOnly) throw new InvalidCredentialsError("Query-string tokens are only accepted for read-only requests");
    const principal = await tokenPrincipal(db, creds, presented.token);
    if (!principal) throw new InvalidCredentialsError("Invalid API token");
    return principal;
  }

  const cookie = parseCookies(request.headers.get("cookie"))[SESSION_COOKIE];
  if (cookie) {
    const session = await findSession(db, cookie);
    if (session) return { kind: "user", username: session.username, method: "session", session, permissions: await permissionsOf(db, session.username) };
  }

  const auth = request.headers.get("authorization");
  if (auth && /^basic\s+/i.test(auth)) {
    const username = await basicUsername(db, creds, auth);
    if (!username) throw new InvalidCredentialsError("Invalid credentials");
    return { kind: "user", username, method: "basic", permissions: await permissionsOf(db, username) };
  }
  return undefined;
}

/** Constant-time string comparison for shared secrets of any length. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
