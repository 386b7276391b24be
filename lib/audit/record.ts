/** Writing to the audit log: logins, failed logins, token and configuration changes. */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { logger } from "../logger";
import { signAuditEvent } from "./signing";

export type AuditEventName =
  | "login"
  | "login_failed"
  | "logout"
  | "account_locked"
  | "lockout_reset"
  | "setup"
  | "password_changed"
  | "token_created"
  | "token_deleted"
  | "token_regenerated"
  | "role_created"
  | "role_updated"
  | "role_deleted"
  | "role_assigned"
  | "role_removed"
  | "oidc_login"
  | "oidc_login_failed"
  | "oidc_config_changed"
  | "recovery"
  | "config_changed"
  | "node_added"
  | "node_updated"
  | "node_removed"
  | "metadata_changed";

export interface AuditInput {
  event: AuditEventName;
  user?: string;
  ip?: string;
  path?: string;
  success: boolean;
  details?: string;
}

const g = globalThis as unknown as { __pulseAuditClock?: number };

/**
 * Millisecond timestamps, strictly increasing within the process, so events read back
 * newest-first keep the order they happened in (route bundles share it via globalThis).
 */
function nextTimestamp(): Date {
  const ms = Math.max(Date.now(), (g.__pulseAuditClock ?? 0) + 1);
  g.__pulseAuditClock = ms;
  return new Date(ms);
}

/** Records an event; failures are logged, never thrown (auditing must not break the action). */
export async function recordAuditEvent(db: Db, input: AuditInput): Promise<void> {
  try {
    const row = {
      id: randomUUID(),
      timestamp: nextTimestamp(),
      event: input.event,
      user: input.user?.slice(0, 256) ?? null,
      ip: input.ip?.slice(0, 64) ?? null,
      path: input.path?.slice(0, 512) ?? null,
      success: input.success,
      details: input.details?.slice(0, 2000) ?? null,
    };
    await db.auditEvent.create({ data: { ...row, signature: signAuditEvent(row) } });
  } catch (err) {
    logger.error({ err, event: input.event }, "could not record audit event");
  }
}
