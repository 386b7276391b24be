/** API token hashing as Pulse does it: only the SHA3-256 hex digest is stored. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function hashToken(raw: string): string {
  return createHash("sha3-256").update(raw, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests (case-insensitive); unequal lengths are simply unequal. */
export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), "utf8");
  const y = Buffer.from(b.toLowerCase(), "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new raw token (64 hex chars, like Pulse) with what is stored about it. */
export function generateApiToken(): { raw: string; hash: string; prefix: string; suffix: string } {
  const raw = randomBytes(32).toString("hex");
  return { raw, hash: hashToken(raw), prefix: raw.slice(0, 6), suffix: raw.slice(-4) };
}
