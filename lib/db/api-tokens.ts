/**
 * API tokens. Only the SHA3-256 hash of a raw token is stored (lib/crypto/tokens.ts),
 * plus a short prefix/suffix so the UI can tell tokens apart.
 */
import type { ApiToken as ApiTokenRow } from "@/lib/generated/sqlite/client";
import type { Db } from "./client";
import { isUniqueViolation, parseJsonColumn } from "./errors";

/** "env": from API_TOKENS/API_TOKEN at startup; "user": created in the UI/API; "setup": given to first-run quick setup. */
export type ApiTokenSource = "env" | "user" | "setup";

export interface ApiTokenRecord {
  id: string;
  name: string;
  hash: string;
  prefix: string;
  suffix: string;
  scopes: string[];
  source: ApiTokenSource;
  createdAt: Date;
  lastUsedAt?: Date;
}

export interface ApiTokenInput {
  name: string;
  hash: string;
  prefix: string;
  suffix: string;
  scopes?: string[];
  source?: ApiTokenSource;
}

export class ApiTokenConflictError extends Error {
  constructor() {
    super("an API token with this hash already exists");
    this.name = "ApiTokenConflictError";
  }
}

function toDomain(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    prefix: row.prefix,
    suffix: row.suffix,
    scopes: parseJsonColumn<string[]>(row.scopes, []),
    source: row.source as ApiTokenSource,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt ?? undefined,
  };
}

/** @throws ApiTokenConflictError when the same token (hash) is already stored. */
export async function createApiToken(db: Db, input: ApiTokenInput): Promise<ApiTokenRecord> {
  try {
    const row = await db.apiToken.create({
      data: {
        name: input.name,
        hash: input.hash.toLowerCase(),
        prefix: input.prefix,
        suffix: input.suffix,
        scopes: JSON.stringify(input.scopes ?? []),
        source: input.source ?? "user",
      },
    });
    return toDomain(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiTokenConflictError();
    throw err;
  }
}

/** Oldest first. */
export async function listApiTokens(db: Db): Promise<ApiTokenRecord[]> {
  const rows = await db.apiToken.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toDomain);
}

/** Lookup by hex digest (an indexed equality match; the digest is not a secret). */
export async function findApiTokenByHash(db: Db, hash: string): Promise<ApiTokenRecord | null> {
  const row = await db.apiToken.findUnique({ where: { hash: hash.toLowerCase() } });
  return row ? toDomain(row) : null;
}

/** Returns false when no token had this id. */
export async function deleteApiToken(db: Db, id: string): Promise<boolean> {
  const { count } = await db.apiToken.deleteMany({ where: { id } });
  return count > 0;
}

/** Record a use; a token deleted meanwhile is silently ignored. */
export async function touchApiTokenLastUsed(db: Db, id: string, at: Date = new Date()): Promise<void> {
  await db.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
}
