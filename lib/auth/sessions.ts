/**
 * Browser sessions behind the `pulse_session` cookie (Pulse's names and lifetimes): 32
 * random bytes as hex, stored only as SHA-256; 24 h, or 30 days with "remember me";
 * sliding (each use pushes the expiry forward). Each session carries a CSRF token
 * (`pulse_csrf`, 32 bytes base64url, valid 4 h) that cookie-authenticated writes must echo
 * in `X-CSRF-Token`.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/client";

export const SESSION_COOKIE = "pulse_session";
export const CSRF_COOKIE = "pulse_csrf";
export const SESSION_TTL_MS = 24 * 3600_000;
export const REMEMBER_ME_TTL_MS = 30 * 24 * 3600_000;
export const CSRF_TTL_MS = 4 * 3600_000;
/** Sliding expiry is written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export type SessionMethod = "password" | "oidc" | "proxy";

export interface SessionRecord {
  id: string;
  username: string;
  method: SessionMethod;
  rememberMe: boolean;
  expiresAt: Date;
  csrfHash?: string;
  csrfExpiresAt?: Date;
  data: Record<string, unknown>;
}

export interface IssuedSession {
  session: SessionRecord;
  /** raw cookie values, returned once */
  token: string;
  csrf: string;
  maxAgeSeconds: number;
}

const sha256 = (v: string) => createHash("sha256").update(v).digest("hex");
const ttl = (rememberMe: boolean) => (rememberMe ? REMEMBER_ME_TTL_MS : SESSION_TTL_MS);

function toRecord(row: {
  id: string;
  username: string;
  method: string;
  rememberMe: boolean;
  expiresAt: Date;
  csrfHash: string | null;
  csrfExpiresAt: Date | null;
  data: string;
}): SessionRecord {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    /* keep {} */
  }
  return {
    id: row.id,
    username: row.username,
    method: row.method as SessionMethod,
    rememberMe: row.rememberMe,
    expiresAt: row.expiresAt,
    csrfHash: row.csrfHash ?? undefined,
    csrfExpiresAt: row.csrfExpiresAt ?? undefined,
    data,
  };
}

export async function createSession(
  db: Db,
  opts: { username: string; method: SessionMethod; rememberMe?: boolean; ip?: string; userAgent?: string; data?: Record<string, unknown>; ttlMs?: number },
): Promise<IssuedSession> {
  const token = randomBytes(32).toString("hex");
  const csrf = randomBytes(32).toString("base64url");
  const rememberMe = !!opts.rememberMe;
  const lifetime = opts.ttlMs ?? ttl(rememberMe);
  const row = await db.session.create({
    data: {
      tokenHash: sha256(token),
      username: opts.username,
      method: opts.method,
      rememberMe,
      expiresAt: new Date(Date.now() + lifetime),
      csrfHash: sha256(csrf),
      csrfExpiresAt: new Date(Date.now() + CSRF_TTL_MS),
      ip: opts.ip?.slice(0, 64),
      userAgent: opts.userAgent?.slice(0, 512),
      data: JSON.stringify(opts.data ?? {}),
    },
  });
  return { session: toRecord(row), token, csrf, maxAgeSeconds: Math.floor(lifetime / 1000) };
}

/** The live session for a cookie value, with its expiry slid forward; undefined if unknown or expired. */
export async function findSession(db: Db, token: string): Promise<SessionRecord | undefined> {
  if (!/^[0-9a-f]{64}$/.test(token)) return undefined;
  const row = await db.session.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row) return undefined;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await db.session.delete({ where: { id: row.id } }).catch(() => {});
    return undefined;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    const lifetime = row.method === "oidc" ? row.expiresAt.getTime() - row.createdAt.getTime() : ttl(row.rememberMe);
    const expiresAt = row.method === "oidc" ? row.expiresAt : new Date(now + lifetime);
    await db.session.update({ where: { id: row.id }, data: { lastSeenAt: new Date(now), expiresAt } }).catch(() => {});
    row.expiresAt = expiresAt;
  }
  return toRecord(row);
}

export function csrfMatches(session: SessionRecord, presented: string | null | undefined): boolean {
  if (!presented || !session.csrfHash || !session.csrfExpiresAt || session.csrfExpiresAt.getTime() <= Date.now()) return false;
  const a = Buffer.from(sha256(presented), "hex");
  const b = Buffer.from(session.csrfHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A fresh CSRF token for a session (after a refusal, or when the cookie went missing). */
export async function rotateCsrf(db: Db, sessionId: string): Promise<string> {
  const csrf = randomBytes(32).toString("base64url");
  await db.session.update({ where: { id: sessionId }, data: { csrfHash: sha256(csrf), csrfExpiresAt: new Date(Date.now() + CSRF_TTL_MS) } });
  return csrf;
}

export async function deleteSessionByToken(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: sha256(token) } });
}

/** Ends every session of a user, except `keepId` (the one changing the password). */
export async function deleteUserSessions(db: Db, username: string, keepId?: string): Promise<number> {
  const r = await db.session.deleteMany({ where: { username, ...(keepId ? { id: { not: keepId } } : {}) } });
  return r.count;
}

export async function pruneExpiredSessions(db: Db): Promise<void> {
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
}
