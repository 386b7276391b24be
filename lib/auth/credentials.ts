/**
 * The credentials configured through the environment: `API_TOKENS` (comma-separated raw
 * tokens, or 64-hex SHA3-256 hashes as Pulse writes them) and `PULSE_AUTH_USER` /
 * `PULSE_AUTH_PASS` (plain text is bcrypt-hashed on load, as Pulse does). Raw secrets are
 * not kept in memory after hashing.
 */
import bcrypt from "bcryptjs";
import { getEnv, type PulseEnv } from "../config/env";
import { hashToken } from "../crypto/tokens";
import type { Scope } from "./scopes";

export interface TokenRecord {
  id: string;
  name: string;
  /** SHA3-256 hex of the raw token */
  hash: string;
  scopes: Scope[];
}

export interface ConfiguredCredentials {
  tokens: TokenRecord[];
  user?: { username: string; passwordHash: string };
}

const HEX64 = /^[0-9a-f]{64}$/i;
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
export const BCRYPT_COST = 12;

export function loadCredentials(env: Pick<PulseEnv, "API_TOKENS" | "API_TOKEN" | "PULSE_AUTH_USER" | "PULSE_AUTH_PASS">): ConfiguredCredentials {
  const raw = [env.API_TOKENS, env.API_TOKEN]
    .filter((v): v is string => !!v)
    .flatMap((v) => v.split(","))
    .map((t) => t.trim())
    .filter(Boolean);
  const tokens: TokenRecord[] = [];
  raw.forEach((entry, i) => {
    const name = `env-token-${i + 1}`;
    // A 64-hex entry may be a stored hash (Pulse's legacy form) or a raw token Pulse
    // generated (also 64 hex); accept both readings.
    if (HEX64.test(entry)) tokens.push({ id: `${name}-hash`, name, hash: entry.toLowerCase(), scopes: ["*"] });
    tokens.push({ id: name, name, hash: hashToken(entry), scopes: ["*"] });
  });

  let user: ConfiguredCredentials["user"];
  if (env.PULSE_AUTH_USER && env.PULSE_AUTH_PASS) {
    const pass = env.PULSE_AUTH_PASS;
    user = {
      username: env.PULSE_AUTH_USER,
      passwordHash: BCRYPT.test(pass) ? pass : bcrypt.hashSync(pass, BCRYPT_COST),
    };
  }
  return { tokens, user };
}

export function hasAnyCredentials(c: ConfiguredCredentials): boolean {
  return c.tokens.length > 0 || !!c.user;
}

const g = globalThis as unknown as { __pulseCredentials?: ConfiguredCredentials };

/** The env credentials of this process, loaded once. */
export function getCredentials(): ConfiguredCredentials {
  g.__pulseCredentials ??= loadCredentials(getEnv());
  return g.__pulseCredentials;
}

/** Tests replace the configured set. */
export function setCredentials(c: ConfiguredCredentials | undefined): void {
  g.__pulseCredentials = c;
}
