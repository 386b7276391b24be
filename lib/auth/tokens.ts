/**
 * API token management (Pulse's `/api/security/tokens`): the tokens configured through
 * API_TOKENS/API_TOKEN (in memory, not revocable here) beside the stored ones. Only the
 * SHA3-256 hash is stored; the raw token is shown once. Nobody mints a token stronger
 * than themselves: a user gets at most the scopes their roles amount to, a token at most
 * the scopes it holds.
 */
import { z } from "zod";
import { ApiError } from "../api/errors";
import { generateApiToken, hashToken, safeEqualHex } from "../crypto/tokens";
import { type ApiTokenRecord, type ApiTokenSource, createApiToken, deleteApiToken, findApiTokenByHash, listApiTokens } from "../db/api-tokens";
import type { Db } from "../db/client";
import { getCredentials } from "./credentials";
import type { Principal } from "./principal";
import { scopesForPermissions } from "./roles";
import { SCOPES } from "./scopes";

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  suffix: string;
  createdAt: string;
  lastUsedAt?: string;
  scopes: string[];
  source: ApiTokenSource;
}

const MAX_SECRET_LENGTH = 1024;
/** Env tokens have no creation record; they exist since the process started. */
const processStartedAt = new Date(Date.now() - process.uptime() * 1000).toISOString();

/** `scopes` omitted or empty means full access (`*`), which cannot be combined with others. */
export const TokenCreateSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(128, "name must be at most 128 characters"),
  scopes: z
    .array(z.enum(SCOPES))
    .max(64)
    .optional()
    .transform((s) => (s?.length ? [...new Set(s)].sort() : ["*"]))
    .refine((s) => !s.includes("*") || s.length === 1, "the wildcard scope '*' cannot be combined with other scopes"),
});

export function presentToken(r: ApiTokenRecord): TokenView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    suffix: r.suffix,
    createdAt: r.createdAt.toISOString(),
    ...(r.lastUsedAt ? { lastUsedAt: r.lastUsedAt.toISOString() } : {}),
    scopes: r.scopes.length ? r.scopes : ["*"],
    source: r.source,
  };
}

/** One entry per env token (a 64-hex entry is registered under two hashes but is one token). */
function envTokens(): TokenView[] {
  const seen = new Map<string, TokenView>();
  for (const t of getCredentials().tokens) {
    if (!seen.has(t.name)) seen.set(t.name, { id: t.name, name: t.name, prefix: "", suffix: "", createdAt: processStartedAt, scopes: [...t.scopes], source: "env" });
  }
  return [...seen.values()];
}

export async function listTokens(db: Db): Promise<TokenView[]> {
  return [...envTokens(), ...(await listApiTokens(db)).map(presentToken)];
}

/** The scopes a principal may put on a new token. */
export function grantableScopes(principal: Principal): readonly string[] {
  if (principal.kind === "token") return principal.scopes;
  if (principal.kind === "user") return scopesForPermissions(principal.permissions);
  return [];
}

export function assertMayGrant(principal: Principal, scopes: readonly string[]): void {
  const own = grantableScopes(principal);
  if (own.includes("*")) return;
  const excess = scopes.filter((s) => s === "*" || !own.includes(s));
  if (excess.length) {
    throw new ApiError("forbidden", `You cannot create a token with scopes you do not hold: ${excess.join(", ")}`, { requestedScopes: scopes, grantableScopes: own });
  }
}

export async function mintToken(
  db: Db,
  principal: Principal,
  input: { name: string; scopes: string[]; source?: ApiTokenSource },
): Promise<{ token: string; record: TokenView }> {
  assertMayGrant(principal, input.scopes);
  const generated = generateApiToken();
  const stored = await createApiToken(db, {
    name: input.name,
    hash: generated.hash,
    prefix: generated.prefix,
    suffix: generated.suffix,
    scopes: input.scopes,
    source: input.source ?? "user",
  });
  return { token: generated.raw, record: presentToken(stored) };
}

/** @throws ApiError 404 for an unknown id, 400 for a token that comes from the environment. */
export async function revokeToken(db: Db, id: string): Promise<void> {
  if (envTokens().some((t) => t.id === id)) {
    throw new ApiError("bad_request", "Tokens from API_TOKENS/API_TOKEN cannot be revoked here; remove them from the environment and restart Pulse");
  }
  if (!(await deleteApiToken(db, id))) throw new ApiError("not_found", `API token ${id} not found`);
}

export async function isValidToken(db: Db, raw: string): Promise<boolean> {
  const token = raw.trim();
  if (!token || token.length > MAX_SECRET_LENGTH) return false;
  const hash = hashToken(token);
  let env = false;
  for (const t of getCredentials().tokens) if (safeEqualHex(hash, t.hash)) env = true;
  return env || !!(await findApiTokenByHash(db, hash));
}

/**
 * Pulse's "regenerate API token": a new full-access token replaces the previous primary
 * one (the quick-setup token or an earlier regenerated one), effective at once.
 */
export async function regenerateToken(db: Db, principal: Principal): Promise<{ token: string; record: TokenView; revoked: number; envTokens: number }> {
  assertMayGrant(principal, ["*"]);
  const minted = await mintToken(db, principal, { name: `regenerated-${new Date().toISOString().slice(0, 10)}`, scopes: ["*"], source: "setup" });
  let revoked = 0;
  for (const t of await listApiTokens(db)) {
    if (t.source === "setup" && t.id !== minted.record.id && (await deleteApiToken(db, t.id))) revoked++;
  }
  return { ...minted, revoked, envTokens: envTokens().length };
}
