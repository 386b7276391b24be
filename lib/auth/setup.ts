/**
 * First run. Until an administrator exists (a password user, an API token, or SSO), the
 * server keeps a one-time bootstrap token in `PULSE_DATA_DIR/.bootstrap_token` (0600) and
 * prints it; quick setup with it creates the admin, after which the file is removed.
 * `PULSE_AUTH_USER`/`PULSE_AUTH_PASS`/`API_TOKENS` provision the same without the wizard.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db/client";
import { getSetting } from "../db/settings";
import { getCredentials, hasAnyCredentials } from "./credentials";
import { assignRole, ensureBuiltInRoles, upsertUser } from "./users";

export const BOOTSTRAP_TOKEN_FILE = ".bootstrap_token";
export const OIDC_SETTINGS_KEY = "oidc";

/** Is any way to sign in configured? (env credentials, a password user, a stored token, or SSO) */
export async function isAuthConfigured(db: Db): Promise<boolean> {
  if (hasAnyCredentials(getCredentials())) return true;
  if (await db.user.count({ where: { passwordHash: { not: null } } })) return true;
  if (await db.apiToken.count()) return true;
  const oidc = await getSetting<{ enabled?: boolean }>(db, OIDC_SETTINGS_KEY);
  return !!oidc?.enabled || !!process.env.OIDC_ISSUER_URL;
}

export function bootstrapTokenPath(dataDir: string): string {
  return path.join(dataDir, BOOTSTRAP_TOKEN_FILE);
}

/** Returns the current bootstrap token, creating it if missing. */
export function ensureBootstrapToken(dataDir: string): string {
  const file = bootstrapTokenPath(dataDir);
  if (existsSync(file)) {
    const existing = readFileSync(file, "utf8").trim();
    if (/^[0-9a-f]{48}$/.test(existing)) return existing;
  }
  const token = randomBytes(24).toString("hex");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export function readBootstrapToken(dataDir: string): string | undefined {
  try {
    return readFileSync(bootstrapTokenPath(dataDir), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export function isValidBootstrapToken(dataDir: string, presented: string | null | undefined): boolean {
  const expected = readBootstrapToken(dataDir);
  if (!expected || !presented || presented.length > 256) return false;
  const a = Buffer.from(presented.trim());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function removeBootstrapToken(dataDir: string): void {
  rmSync(bootstrapTokenPath(dataDir), { force: true });
}

/**
 * At start: seed the built-in roles, provision the env user as an admin, and write the
 * bootstrap token if nothing is configured yet (returned so the server can print it).
 */
export async function prepareAuth(db: Db, dataDir: string): Promise<{ bootstrapToken?: string }> {
  await ensureBuiltInRoles(db);
  const creds = getCredentials();
  if (creds.user) {
    await upsertUser(db, { username: creds.user.username, source: "env", passwordHash: creds.user.passwordHash });
    await assignRole(db, creds.user.username, "admin");
  }
  if (await isAuthConfigured(db)) {
    removeBootstrapToken(dataDir);
    return {};
  }
  return { bootstrapToken: ensureBootstrapToken(dataDir) };
}
