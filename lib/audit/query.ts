/** Reading the audit log back (Pulse's `/api/audit`) and checking one event's signature. */
import { z } from "zod";
import { ApiError } from "../api/errors";
import type { Db } from "../db/client";
import { verifyAuditSignature } from "./signing";

export const MAX_AUDIT_PAGE = 1000;

/** Pulse's time.RFC3339: a date, a time, optional fractions, and a zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const time = (name: string) =>
  z
    .string()
    .regex(RFC3339, `${name} must be an RFC 3339 time such as 2024-01-31T23:59:59Z`)
    .transform((s, ctx) => {
      const d = new Date(s);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: "custom", message: `${name} is not a valid time` });
        return z.NEVER;
      }
      return d;
    });
const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

export const AuditQuerySchema = z
  .object({
    limit: integer("limit", 1, MAX_AUDIT_PAGE).default(100),
    offset: integer("offset", 0, 10_000_000).default(0),
    event: z.string().trim().min(1).max(64).optional(),
    user: z.string().trim().min(1).max(256).optional(),
    success: z.enum(["true", "false"], { message: "success must be true or false" }).transform((v) => v === "true").optional(),
    startTime: time("startTime").optional(),
    endTime: time("endTime").optional(),
  })
  .refine((q) => !q.startTime || !q.endTime || q.startTime <= q.endTime, "startTime must not be after endTime");

export type AuditQuery = z.output<typeof AuditQuerySchema>;

export interface AuditEventView {
  id: string;
  timestamp: string;
  event: string;
  user: string;
  ip: string;
  path: string;
  success: boolean;
  details: string;
  signature: string;
}

type Row = { id: string; timestamp: Date; event: string; user: string | null; ip: string | null; path: string | null; success: boolean; details: string | null; signature: string };

const present = (r: Row): AuditEventView => ({
  id: r.id,
  timestamp: r.timestamp.toISOString(),
  event: r.event,
  user: r.user ?? "",
  ip: r.ip ?? "",
  path: r.path ?? "",
  success: r.success,
  details: r.details ?? "",
  signature: r.signature,
});

/** Newest first. */
export async function queryAuditEvents(db: Db, q: AuditQuery): Promise<{ events: AuditEventView[]; total: number }> {
  const where = {
    ...(q.event ? { event: q.event } : {}),
    ...(q.user ? { user: q.user } : {}),
    ...(q.success !== undefined ? { success: q.success } : {}),
    ...(q.startTime || q.endTime ? { timestamp: { ...(q.startTime ? { gte: q.startTime } : {}), ...(q.endTime ? { lte: q.endTime } : {}) } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({ where, orderBy: [{ timestamp: "desc" }, { id: "desc" }], take: q.limit, skip: q.offset }),
    db.auditEvent.count({ where }),
  ]);
  return { events: rows.map(present), total };
}

const EVENT_ID = /^[a-zA-Z0-9-]{1,64}$/;

/** @throws ApiError 400 for a malformed id, 404 for an unknown one. */
export async function verifyAuditEvent(db: Db, id: string): Promise<{ available: true; verified: boolean; message: string }> {
  if (!EVENT_ID.test(id)) throw new ApiError("bad_request", "Invalid event ID format");
  const row = await db.auditEvent.findUnique({ where: { id } });
  if (!row) throw new ApiError("not_found", "Audit event not found");
  const verified = verifyAuditSignature(row, row.signature);
  return { available: true, verified, message: verified ? "Event signature verified" : "Event signature mismatch: the event was modified" };
}
