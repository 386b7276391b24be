/**
 * Prisma error codes shared by both generated clients. Duck-typed on `code` because
 * each generated client exposes its own Prisma namespace.
 */
function prismaCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Unique constraint violated (P2002). */
export const isUniqueViolation = (err: unknown): boolean => prismaCode(err) === "P2002";

/** update/delete of a row that does not exist (P2025). */
export const isRecordNotFound = (err: unknown): boolean => prismaCode(err) === "P2025";

/** JSON text columns: tolerate a hand-edited or empty value instead of failing every read. */
export function parseJsonColumn<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
