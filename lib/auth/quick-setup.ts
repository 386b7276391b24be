/**
 * First-run quick setup (Pulse's `/api/security/quick-setup`): creates the administrator
 * with a password, registers the API token the wizard generated (only its hash is kept)
 * and retires the bootstrap token. Takes effect at once; nothing needs a restart.
 */
import { z } from "zod";
import { recordAuditEvent } from "../audit/record";
import { SETTINGS_KEY, normalizeSettings } from "../config/system-settings";
import { hashToken } from "../crypto/tokens";
import { ApiTokenConflictError, createApiToken } from "../db/api-tokens";
import type { Db } from "../db/client";
import { getSetting, setSetting } from "../db/settings";
import { getCredentials } from "./credentials";
import { removeBootstrapToken } from "./setup";
import { assignRole, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, upsertUser } from "./users";

/** Letters, digits and `._@+-`: no spaces, and no `:` (it would break HTTP Basic). */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@+-]+$/;

export const QuickSetupSchema = z.object({
  username: z.string().trim().min(1, "username is required").max(64).regex(USERNAME_PATTERN, "username may contain letters, digits and . _ @ + - only"),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH, `password must be at most ${MAX_PASSWORD_LENGTH} characters`),
  apiToken: z
    .string()
    .trim()
    .min(16, "apiToken must be at least 16 characters")
    .max(256)
    .regex(/^\S+$/, "apiToken must not contain spaces")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  enableNotifications: z.boolean().optional(),
  darkMode: z.boolean().optional(),
  force: z.boolean().optional(),
  setupToken: z.string().max(256).optional(),
});

export type QuickSetupInput = z.output<typeof QuickSetupSchema>;

/** Is there already a password administrator (from an earlier setup or PULSE_AUTH_USER)? */
export async function hasPasswordUser(db: Db): Promise<boolean> {
  if (getCredentials().user) return true;
  return (await db.user.count({ where: { passwordHash: { not: null } } })) > 0;
}

// Two wizards submitting at once must not both pass the "not configured yet" check.
const g = globalThis as unknown as { __pulseSetupLock?: Promise<unknown> };
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = (g.__pulseSetupLock ?? Promise.resolve()).catch(() => {}).then(fn);
  g.__pulseSetupLock = run;
  return run;
}

export type QuickSetupOutcome = { ok: true; apiTokenRegistered: boolean } | { ok: false; reason: "already_configured" };

/**
 * @param allowReconfigure the caller is an authenticated administrator who asked for `force`
 */
export function runQuickSetup(
  db: Db,
  opts: { dataDir: string; input: QuickSetupInput; allowReconfigure: boolean; actor?: string; ip?: string },
): Promise<QuickSetupOutcome> {
  return serialized(async () => {
    const { input } = opts;
    if ((await hasPasswordUser(db)) && !opts.allowReconfigure) return { ok: false, reason: "already_configured" };

    await upsertUser(db, { username: input.username, source: "local", password: input.password });
    await assignRole(db, input.username, "admin");

    let apiTokenRegistered = false;
    if (input.apiToken) {
      try {
        await createApiToken(db, {
          name: "Primary token",
          hash: hashToken(input.apiToken),
          prefix: input.apiToken.slice(0, 6),
          suffix: input.apiToken.slice(-4),
          scopes: ["*"],
          source: "setup",
        });
      } catch (err) {
        // The same token given twice (a retried wizard) is already registered: fine.
        if (!(err instanceof ApiTokenConflictError)) throw err;
      }
      apiTokenRegistered = true;
    }

    if (input.darkMode !== undefined) {
      const settings = normalizeSettings(await getSetting(db, SETTINGS_KEY));
      await setSetting(db, SETTINGS_KEY, { ...settings, theme: input.darkMode ? "dark" : "light" });
    }

    removeBootstrapToken(opts.dataDir);
    await recordAuditEvent(db, {
      event: "setup",
      user: opts.actor ?? input.username,
      ip: opts.ip,
      path: "/api/security/quick-setup",
      success: true,
      details: `Administrator ${input.username} created${apiTokenRegistered ? " with an API token" : ""}${opts.allowReconfigure ? " (forced reconfiguration)" : ""}`,
    });
    return { ok: true, apiTokenRegistered };
  });
}
