/**
 * The one guard every route calls: `authorize(request, access)` returns the principal or
 * throws an ApiError (401 without valid credentials, 403 when a token lacks the scope).
 * Credential sources, in Pulse's order: `X-API-Token`, `Authorization: Bearer`, `?token=`
 * (read-only requests only, for kiosk views), HTTP Basic with PULSE_AUTH_USER/PASS.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import { ApiError } from "../api/errors";
import { getEnv } from "../config/env";
import { hashToken, safeEqualHex } from "../crypto/tokens";
import { type ConfiguredCredentials, loadCredentials } from "./credentials";
import { type Access, hasScope } from "./scopes";

export type Principal =
  | { kind: "anonymous" }
  | { kind: "token"; tokenId: string; name: string; scopes: readonly string[] }
  | { kind: "user"; username: string; method: "basic" };

/** bcrypt ignores bytes past 72; refusing long input early keeps a 1 MB password cheap. */
const MAX_SECRET_LENGTH = 1024;

const state = globalThis as unknown as { __pulseCredentials?: ConfiguredCredentials; __pulseBasicCache?: Map<string, number> };

export function getCredentials(): ConfiguredCredentials {
  state.__pulseCredentials ??= loadCredentials(getEnv());
  return state.__pulseCredentials;
}

/** Tests and credential changes replace the configured set. */
export function setCredentials(c: ConfiguredCredentials | undefined): void {
  state.__pulseCredentials = c;
  state.__pulseBasicCache?.clear();
}

function presentedToken(request: Request): { token: string; via: "header" | "query" } | undefined {
  const header = request.headers.get("x-api-token");
  if (header) return { token: header.trim(), via: "header" };
  const auth = request.headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return { token: auth.replace(/^bearer\s+/i, "").trim(), via: "header" };
  const query = new URL(request.url).searchParams.get("token");
  if (query) return { token: query, via: "query" };
  return undefined;
}

function findToken(creds: ConfiguredCredentials, raw: string) {
  if (!raw || raw.length > MAX_SECRET_LENGTH) return undefined;
  const hash = hashToken(raw);
  // Compare against every record so timing does not reveal which one matched.
  let found: ConfiguredCredentials["tokens"][number] | undefined;
  for (const record of creds.tokens) if (safeEqualHex(hash, record.hash) && !found) found = record;
  return found;
}

/** Successful Basic logins are remembered briefly: bcrypt cost 12 takes ~200 ms per check. */
const BASIC_CACHE_MS = 5 * 60_000;

function checkBasic(creds: ConfiguredCredentials, header: string): string | undefined {
  if (!creds.user || !/^basic\s+/i.test(header) || header.length > MAX_SECRET_LENGTH * 2) return undefined;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ""), "base64").toString("utf8");
  const sep = decoded.indexOf(":");
  if (sep < 0) return undefined;
  const username = decoded.slice(0, sep);
  const password = decoded.slice(sep + 1);
  if (password.length > MAX_SECRET_LENGTH) return undefined;
  const a = Buffer.from(username);
  const b = Buffer.from(creds.user.username);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;

  const cache = (state.__pulseBasicCache ??= new Map());
  const key = createHash("sha256").update(`${creds.user.passwordHash}\0${decoded}`).digest("hex");
  const until = cache.get(key);
  if (until && until > Date.now()) return username;
  if (!bcrypt.compareSync(password, creds.user.passwordHash)) return undefined;
  cache.set(key, Date.now() + BASIC_CACHE_MS);
  return username;
}

export async function authorize(request: Request, access: Access): Promise<Principal> {
  if (access === "public") return { kind: "anonymous" };
  const creds = getCredentials();

  const presented = presentedToken(request);
  if (presented) {
    const readOnly = request.method === "GET" || request.method === "HEAD";
    if (presented.via === "query" && !readOnly) {
      throw new ApiError("unauthorized", "Query-string tokens are only accepted for read-only requests");
    }
    const record = findToken(creds, presented.token);
    if (!record) throw new ApiError("unauthorized", "Invalid API token");
    if (!hasScope(record.scopes, access)) {
      throw new ApiError("missing_scope", `API token is missing the required scope: ${access}`, { requiredScope: access });
    }
    return { kind: "token", tokenId: record.id, name: record.name, scopes: record.scopes };
  }

  const auth = request.headers.get("authorization");
  if (auth) {
    const username = checkBasic(creds, auth);
    if (username) return { kind: "user", username, method: "basic" };
    throw new ApiError("unauthorized", "Invalid credentials");
  }

  throw new ApiError(
    "unauthorized",
    creds.tokens.length || creds.user
      ? "Authentication required"
      : "Authentication required: configure API_TOKENS or PULSE_AUTH_USER/PULSE_AUTH_PASS",
  );
}
