/**
 * Password login: lockout check, password check, session. Each outcome is audited
 * (`login`, `login_failed`, `account_locked`).
 */
import { recordAuditEvent } from "../audit/record";
import type { Db } from "../db/client";
import { type FailureResult, getLoginLockout, LOCKOUT_DURATION_TEXT, type LockState, type LoginLockout, MAX_LOGIN_ATTEMPTS } from "./lockout";
import { createSession, type IssuedSession } from "./sessions";
import { markLogin, verifyPassword } from "./users";

export interface LoginInput {
  username: string;
  password: string;
  rememberMe?: boolean;
  ip: string;
  userAgent?: string;
}

export type LoginResult =
  | { ok: true; issued: IssuedSession }
  | { ok: false; reason: "locked"; lock: LockState }
  | { ok: false; reason: "invalid"; failure: FailureResult };

const PATH = "/api/login";

export async function attemptLogin(db: Db, input: LoginInput, lockout: LoginLockout = getLoginLockout()): Promise<LoginResult> {
  const { username, ip } = input;
  const lock = lockout.check(username, ip);
  if (lock.locked) {
    await recordAuditEvent(db, { event: "login_failed", user: username, ip, path: PATH, success: false, details: "Refused: account or address locked" });
    return { ok: false, reason: "locked", lock };
  }

  if (!(await verifyPassword(db, username, input.password))) {
    const failure = lockout.recordFailure(username, ip);
    await recordAuditEvent(db, { event: "login_failed", user: username, ip, path: PATH, success: false, details: `Invalid credentials (attempt ${failure.attempts})` });
    if (failure.lockedNow) {
      await recordAuditEvent(db, { event: "account_locked", user: username, ip, path: PATH, success: false, details: `Locked until ${failure.lockedUntil?.toISOString()}` });
    }
    return { ok: false, reason: "invalid", failure };
  }

  lockout.recordSuccess(username);
  const issued = await createSession(db, { username, method: "password", rememberMe: input.rememberMe, ip, userAgent: input.userAgent });
  await markLogin(db, username);
  await recordAuditEvent(db, { event: "login", user: username, ip, path: PATH, success: true, details: "Successful login" });
  return { ok: true, issued };
}

/** RFC 3339 without fractions, as Go formats it. */
export const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Login refusals in Pulse's shape (`error` is the machine code there) plus our envelope's
 * fields, so clients of either read them.
 */
export function loginFailureBody(result: Exclude<LoginResult, { ok: true }>): { status: number; body: Record<string, unknown> } {
  const timestamp = Math.floor(Date.now() / 1000);
  if (result.reason === "locked") {
    const { lockedUntil, remainingMinutes } = result.lock;
    return {
      status: 403,
      body: {
        error: "account_locked",
        code: "account_locked",
        message: `Too many failed login attempts. Try again in ${remainingMinutes} minute${remainingMinutes === 1 ? "" : "s"}.`,
        lockedUntil: lockedUntil && rfc3339(lockedUntil),
        remainingMinutes,
        status_code: 403,
        timestamp,
      },
    };
  }
  const f = result.failure;
  return {
    status: 401,
    body: {
      error: "invalid_credentials",
      code: "invalid_credentials",
      message: f.lockedNow
        ? `Invalid username or password. Too many failed attempts: locked for ${LOCKOUT_DURATION_TEXT}.`
        : `Invalid username or password. ${f.remaining} attempt${f.remaining === 1 ? "" : "s"} remaining.`,
      attempts: f.attempts,
      remaining: f.remaining,
      maxAttempts: MAX_LOGIN_ATTEMPTS,
      ...(f.lockedNow ? { locked: true, lockoutDuration: LOCKOUT_DURATION_TEXT, lockedUntil: f.lockedUntil && rfc3339(f.lockedUntil) } : {}),
      status_code: 401,
      timestamp,
    },
  };
}
