/**
 * Recovery for a locked-out administrator (Pulse's `/api/security/recovery`): a one-time
 * recovery token can only be generated from the machine itself (a direct loopback
 * connection, not through a proxy); with it, authentication can be switched off — and
 * then only requests from localhost are let in without credentials, as an admin — and
 * switched back on. Tokens are stored as SHA3-256 hashes and are good for one use.
 */
import { randomBytes } from "node:crypto";
import { isLoopback } from "../api/client-ip";
import { hashToken } from "../crypto/tokens";
import type { Db } from "../db/client";
import { getSetting, setSetting } from "../db/settings";
import type { Principal } from "./principal";
import { BUILT_IN_ROLES } from "./roles";

export const RECOVERY_TOKEN_TTL_MS = 60 * 60_000;
export const SECURITY_SETTINGS_KEY = "security";
/** How long the "auth disabled" flag is trusted from memory before it is read again. */
const FLAG_CACHE_MS = 2000;

export interface SecuritySettings {
  authDisabled?: boolean;
  authDisabledAt?: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Who a local request is while recovery mode is on: an administrator with no account. */
export const RECOVERY_PRINCIPAL: Principal = {
  kind: "user",
  username: "recovery",
  method: "recovery",
  permissions: BUILT_IN_ROLES.find((r) => r.id === "admin")!.permissions,
};

/**
 * Did this request come straight from this machine? The custom server puts the socket
 * address in `x-pulse-client-ip`. Next.js fills in `X-Forwarded-For` with that same
 * address when the client sent none, so only a different one means a proxy relayed the
 * request from elsewhere, which does not count.
 */
export function isDirectLoopback(request: Request): boolean {
  const h = request.headers;
  const socket = h.get("x-pulse-client-ip") ?? "";
  if (!isLoopback(socket)) return false;
  if (h.has("forwarded") || h.has("x-real-ip")) return false;
  const forwarded = h.get("x-forwarded-for");
  return forwarded === null || forwarded.trim() === socket;
}

export async function generateRecoveryToken(db: Db, opts: { ttlMs?: number; now?: Date } = {}): Promise<{ token: string; expiresAt: Date }> {
  const now = opts.now ?? new Date();
  const token = randomBytes(32).toString("hex");
  const expiresAt = new Date(now.getTime() + (opts.ttlMs ?? RECOVERY_TOKEN_TTL_MS));
  // Keep the table small: used and expired tokens are of no further use.
  await db.recoveryToken.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { usedAt: { not: null } }] } });
  await db.recoveryToken.create({ data: { tokenHash: hashToken(token), expiresAt, createdAt: now } });
  return { token, expiresAt };
}

function wellFormed(raw: string | null | undefined): raw is string {
  return !!raw && /^[0-9a-f]{64}$/i.test(raw.trim());
}

/** Is the token known, unused and unexpired? (Does not use it up.) */
export async function isRecoveryTokenValid(db: Db, raw: string | null | undefined, now = new Date()): Promise<boolean> {
  if (!wellFormed(raw)) return false;
  const row = await db.recoveryToken.findUnique({ where: { tokenHash: hashToken(raw.trim().toLowerCase()) } });
  return !!row && !row.usedAt && row.expiresAt > now;
}

/** Uses the token up; true only for the one caller that got to it first. */
export async function consumeRecoveryToken(db: Db, raw: string | null | undefined, now = new Date()): Promise<boolean> {
  if (!wellFormed(raw)) return false;
  const { count } = await db.recoveryToken.updateMany({
    where: { tokenHash: hashToken(raw.trim().toLowerCase()), usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return count === 1;
}

const g = globalThis as unknown as { __pulseAuthDisabled?: { value: boolean; at: number } };

export async function isAuthDisabled(db: Db): Promise<boolean> {
  const cached = g.__pulseAuthDisabled;
  if (cached && Date.now() - cached.at < FLAG_CACHE_MS) return cached.value;
  const value = !!(await getSetting<SecuritySettings>(db, SECURITY_SETTINGS_KEY))?.authDisabled;
  g.__pulseAuthDisabled = { value, at: Date.now() };
  return value;
}

export async function setAuthDisabled(db: Db, disabled: boolean): Promise<void> {
  const current = (await getSetting<SecuritySettings>(db, SECURITY_SETTINGS_KEY)) ?? {};
  const next: SecuritySettings = { ...current, authDisabled: disabled, authDisabledAt: disabled ? new Date().toISOString() : undefined };
  await setSetting(db, SECURITY_SETTINGS_KEY, next);
  g.__pulseAuthDisabled = { value: disabled, at: Date.now() };
}

/**
 * While recovery mode is on, may this request in without credentials? Only from
 * localhost, and for writes only when the browser did not send it from another site
 * (a page elsewhere could otherwise make a local browser change settings).
 */
export async function recoveryAllows(request: Request, db: Db): Promise<boolean> {
  if (!isDirectLoopback(request)) return false;
  if (!SAFE_METHODS.has(request.method) && isCrossSite(request)) return false;
  return isAuthDisabled(db);
}

function isCrossSite(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  try {
    return new URL(origin).host !== (request.headers.get("host") ?? new URL(request.url).host);
  } catch {
    return true;
  }
}
