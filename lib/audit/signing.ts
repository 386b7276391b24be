/**
 * Audit events are signed with HMAC-SHA256 under a key derived (HKDF) from the data
 * directory's encryption key, so an edited or forged row fails verification.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { loadEncryptionKey } from "../crypto/secrets";

export interface SignedFields {
  id: string;
  timestamp: Date;
  event: string;
  user?: string | null;
  ip?: string | null;
  path?: string | null;
  success: boolean;
  details?: string | null;
}

function auditKey(dataDir?: string): Buffer {
  return Buffer.from(hkdfSync("sha256", loadEncryptionKey(dataDir), Buffer.alloc(0), "pulse-audit-v1", 32));
}

/** Every field, in a fixed order, unambiguously joined. */
function canonical(e: SignedFields): string {
  return JSON.stringify([e.id, e.timestamp.toISOString(), e.event, e.user ?? null, e.ip ?? null, e.path ?? null, e.success, e.details ?? null]);
}

export function signAuditEvent(e: SignedFields, dataDir?: string): string {
  return createHmac("sha256", auditKey(dataDir)).update(canonical(e)).digest("hex");
}

export function verifyAuditSignature(e: SignedFields, signature: string, dataDir?: string): boolean {
  const expected = Buffer.from(signAuditEvent(e, dataDir), "hex");
  const given = Buffer.from(signature, "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
