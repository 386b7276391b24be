/** Changing one's own password: verify the current one, store the new, end the other sessions. */
import { recordAuditEvent } from "../audit/record";
import type { Db } from "../db/client";
import { deleteUserSessions } from "./sessions";
import { findUser, setPassword, verifyPassword } from "./users";

export type ChangePasswordResult = { ok: true; sessionsEnded: number; envManaged: boolean } | { ok: false };

export async function changePassword(
  db: Db,
  opts: { username: string; currentPassword: string; newPassword: string; keepSessionId?: string; ip?: string },
): Promise<ChangePasswordResult> {
  const audit = { event: "password_changed" as const, user: opts.username, ip: opts.ip, path: "/api/security/change-password" };
  if (!(await verifyPassword(db, opts.username, opts.currentPassword))) {
    await recordAuditEvent(db, { ...audit, success: false, details: "Current password did not match" });
    return { ok: false };
  }
  await setPassword(db, opts.username, opts.newPassword);
  const sessionsEnded = await deleteUserSessions(db, opts.username, opts.keepSessionId);
  await recordAuditEvent(db, { ...audit, success: true, details: `Password changed; ${sessionsEnded} other session(s) ended` });
  const user = await findUser(db, opts.username);
  return { ok: true, sessionsEnded, envManaged: user?.source === "env" };
}
