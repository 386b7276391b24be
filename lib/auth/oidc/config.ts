/**
 * The OIDC (single sign-on) configuration, Pulse's fields and defaults. It is stored in the
 * `oidc` setting with the client secret encrypted (AES-256-GCM, the data dir's key); each
 * `OIDC_*` environment variable that is set overrides its field and locks it: the API
 * reports it in `envOverrides` and refuses to change it. The secret never leaves the server.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { ApiError } from "../../api/errors";
import { getEnv, type PulseEnv } from "../../config/env";
import { decryptSecret, encryptSecret } from "../../crypto/secrets";
import type { Db } from "../../db/client";
import { getSetting, setSetting } from "../../db/settings";
import { logger } from "../../logger";
import { isSecureRequest } from "../cookies";
import { OIDC_SETTINGS_KEY } from "../setup";

export const OIDC_CALLBACK_PATH = "/api/oidc/callback";

export interface OidcConfig {
  enabled: boolean;
  issuerUrl: string;
  clientId: string;
  /** plain text, in memory only; undefined for a public client (PKCE without a secret) */
  clientSecret?: string;
  /** "" = `<origin of the request>/api/oidc/callback` */
  redirectUrl: string;
  scopes: string;
  usernameClaim: string;
  emailClaim: string;
  groupsClaim: string;
  allowedGroups: string[];
  allowedDomains: string[];
  allowedEmails: string[];
  /** IdP group → Pulse role id */
  groupRoleMappings: Record<string, string>;
  /**
   * Role for users no group mapping applies to (and who have no manual role). "admin" by
   * default, as in Pulse, where every SSO user is an administrator; "" gives none.
   */
  defaultRole: string;
  hideLocalLogin: boolean;
  /** PEM text, or the path of a PEM file, trusted for the IdP's TLS in addition to the system CAs */
  caBundle: string;
}

export type OidcField = keyof OidcConfig;

export const OIDC_DEFAULTS: OidcConfig = {
  enabled: false,
  issuerUrl: "",
  clientId: "",
  redirectUrl: "",
  scopes: "openid profile email",
  usernameClaim: "preferred_username",
  emailClaim: "email",
  groupsClaim: "groups",
  allowedGroups: [],
  allowedDomains: [],
  allowedEmails: [],
  groupRoleMappings: {},
  defaultRole: "admin",
  hideLocalLogin: false,
  caBundle: "",
};

/** The variable that overrides each field (Pulse's names). */
export const OIDC_ENV_VARS = {
  enabled: "OIDC_ENABLED",
  issuerUrl: "OIDC_ISSUER_URL",
  clientId: "OIDC_CLIENT_ID",
  clientSecret: "OIDC_CLIENT_SECRET",
  redirectUrl: "OIDC_REDIRECT_URL",
  scopes: "OIDC_SCOPES",
  usernameClaim: "OIDC_USERNAME_CLAIM",
  groupsClaim: "OIDC_GROUPS_CLAIM",
  allowedGroups: "OIDC_ALLOWED_GROUPS",
  allowedDomains: "OIDC_ALLOWED_DOMAINS",
  allowedEmails: "OIDC_ALLOWED_EMAILS",
  caBundle: "OIDC_CA_BUNDLE",
} as const satisfies Partial<Record<OidcField, keyof PulseEnv>>;

type EnvField = keyof typeof OIDC_ENV_VARS;

// ---------------------------------------------------------------- normalisation

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function list(value: string | string[], normalise: (v: string) => string = (v) => v): string[] {
  const items = Array.isArray(value) ? value : value.split(",");
  return [...new Set(items.map((v) => normalise(v.trim())).filter(Boolean))];
}

function normaliseScopes(value: string | string[]): string {
  const scopes = (Array.isArray(value) ? value : value.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
  if (!scopes.includes("openid")) scopes.unshift("openid");
  return [...new Set(scopes)].join(" ");
}

const normaliseDomains = (v: string | string[]) => list(v, (d) => d.replace(/^@/, "").toLowerCase());
const normaliseEmails = (v: string | string[]) => list(v, (e) => e.toLowerCase());

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && !!u.hostname && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Reads the CA bundle (PEM text or a file); undefined when none is configured. */
export function readCaBundle(caBundle: string): string | undefined {
  const value = caBundle.trim();
  if (!value) return undefined;
  const pem = value.startsWith("-----BEGIN") ? value : readFileSync(value, "utf8");
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("the OIDC CA bundle holds no PEM certificate");
  return pem;
}

// ---------------------------------------------------------------- input schema

const listInput = z.union([z.string().max(65_536), z.array(z.string().max(512)).max(1000)]);
const claimName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(256)
  .regex(/^\S+$/, "must not contain whitespace");

/** What POST /api/security/oidc accepts; every field is optional (absent = unchanged). */
export const OidcUpdateSchema = z.object({
  enabled: z.boolean().optional(),
  issuerUrl: z
    .string()
    .trim()
    .max(2048)
    .refine((v) => v === "" || isHttpUrl(v), "must be an http(s) URL, e.g. https://sso.example.com/realms/main")
    .refine((v) => v === "" || (!v.includes("?") && !v.includes("#")), "must not contain a query or fragment")
    .optional(),
  clientId: z.string().trim().max(512).optional(),
  /** absent or "" keeps the stored secret; see clearClientSecret */
  clientSecret: z.string().max(4096).optional(),
  clearClientSecret: z.boolean().optional(),
  redirectUrl: z
    .string()
    .trim()
    .max(2048)
    .refine((v) => v === "" || (isHttpUrl(v) && new URL(v).pathname.endsWith(OIDC_CALLBACK_PATH)), `must be an http(s) URL ending in ${OIDC_CALLBACK_PATH}`)
    .optional(),
  scopes: z
    .union([z.string().max(2048), z.array(z.string().max(256)).max(50)])
    .refine((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).every((s) => s.trim() === "" || SCOPE_TOKEN.test(s.trim())), "contains an invalid scope")
    .optional(),
  usernameClaim: claimName.optional(),
  emailClaim: claimName.optional(),
  groupsClaim: claimName.optional(),
  allowedGroups: listInput.optional(),
  allowedDomains: listInput.optional(),
  allowedEmails: listInput.optional(),
  groupRoleMappings: z.record(z.string().trim().min(1).max(512), z.string().trim().min(1).max(128)).optional(),
  defaultRole: z.string().trim().max(128).optional(),
  hideLocalLogin: z.boolean().optional(),
  caBundle: z.string().max(1_048_576).optional(),
});

export type OidcUpdate = z.infer<typeof OidcUpdateSchema>;

// ---------------------------------------------------------------- storage

type StoredOidc = Partial<Omit<OidcConfig, "clientSecret">> & { clientSecretEnc?: string };

function fromStored(stored: StoredOidc | undefined): OidcConfig {
  const { clientSecretEnc, ...rest } = stored ?? {};
  const config: OidcConfig = { ...OIDC_DEFAULTS, ...rest };
  if (clientSecretEnc) {
    try {
      config.clientSecret = decryptSecret(clientSecretEnc);
    } catch (err) {
      // A replaced .encryption.key makes the secret unreadable: sign-in fails until it is re-entered.
      logger.error({ err }, "the stored OIDC client secret cannot be decrypted; enter it again");
    }
  }
  return config;
}

function toStored(config: OidcConfig): StoredOidc {
  const { clientSecret, ...rest } = config;
  return { ...rest, ...(clientSecret ? { clientSecretEnc: encryptSecret(clientSecret) } : {}) };
}

/** The fields set by environment variables, with their values. */
export function oidcEnvOverrides(env: PulseEnv = getEnv()): Partial<OidcConfig> {
  const out: Partial<OidcConfig> = {};
  const str = (v: string | undefined) => (v !== undefined && v.trim() !== "" ? v.trim() : undefined);
  if (env.OIDC_ENABLED !== undefined) out.enabled = env.OIDC_ENABLED;
  if (str(env.OIDC_ISSUER_URL)) {
    out.issuerUrl = str(env.OIDC_ISSUER_URL);
    // An issuer in the environment alone turns SSO on (as first-run setup and the security status count it).
    out.enabled ??= true;
  }
  if (str(env.OIDC_CLIENT_ID)) out.clientId = str(env.OIDC_CLIENT_ID);
  if (str(env.OIDC_CLIENT_SECRET)) out.clientSecret = str(env.OIDC_CLIENT_SECRET);
  if (str(env.OIDC_REDIRECT_URL)) out.redirectUrl = str(env.OIDC_REDIRECT_URL);
  if (str(env.OIDC_SCOPES)) out.scopes = normaliseScopes(str(env.OIDC_SCOPES)!);
  if (str(env.OIDC_USERNAME_CLAIM)) out.usernameClaim = str(env.OIDC_USERNAME_CLAIM);
  if (str(env.OIDC_GROUPS_CLAIM)) out.groupsClaim = str(env.OIDC_GROUPS_CLAIM);
  if (str(env.OIDC_ALLOWED_GROUPS)) out.allowedGroups = list(str(env.OIDC_ALLOWED_GROUPS)!);
  if (str(env.OIDC_ALLOWED_DOMAINS)) out.allowedDomains = normaliseDomains(str(env.OIDC_ALLOWED_DOMAINS)!);
  if (str(env.OIDC_ALLOWED_EMAILS)) out.allowedEmails = normaliseEmails(str(env.OIDC_ALLOWED_EMAILS)!);
  if (str(env.OIDC_CA_BUNDLE)) out.caBundle = str(env.OIDC_CA_BUNDLE);
  return out;
}

export interface LoadedOidcConfig {
  /** stored settings with the environment applied: what sign-in uses */
  config: OidcConfig;
  /** fields set by environment variables */
  envOverrides: EnvField[];
}

export async function loadOidcConfig(db: Db, env: PulseEnv = getEnv()): Promise<LoadedOidcConfig> {
  const stored = fromStored(await getSetting<StoredOidc>(db, OIDC_SETTINGS_KEY));
  const overrides = oidcEnvOverrides(env);
  return { config: { ...stored, ...overrides }, envOverrides: Object.keys(overrides) as EnvField[] };
}

/** The redirect URI registered at the IdP: configured, or this server's own callback. */
export function oidcRedirectUri(request: Request, config: Pick<OidcConfig, "redirectUrl">): string {
  if (config.redirectUrl) return config.redirectUrl;
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  return `${isSecureRequest(request) ? "https" : url.protocol.replace(/:$/, "")}://${host}${OIDC_CALLBACK_PATH}`;
}

/** Can sign-in start with this configuration? (the reason when not) */
export function oidcReadiness(config: OidcConfig): string | undefined {
  if (!config.enabled) return "OIDC is disabled";
  if (!config.issuerUrl || !isHttpUrl(config.issuerUrl)) return "OIDC needs an http(s) issuer URL";
  if (!config.clientId) return "OIDC needs a client ID";
  if (config.redirectUrl && !isHttpUrl(config.redirectUrl)) return "the OIDC redirect URL is not an http(s) URL";
  return undefined;
}

/** What GET /api/security/oidc shows: everything but the secret. */
export function publicOidcConfig(loaded: LoadedOidcConfig, defaultRedirectUrl: string) {
  const { clientSecret, ...rest } = loaded.config;
  return { ...rest, clientSecretSet: !!clientSecret, defaultRedirectUrl, envOverrides: loaded.envOverrides };
}

/** Lists compare as sets: a form may send allowed groups back in another order. */
const sameValue = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? JSON.stringify([...a].sort()) === JSON.stringify([...b].sort()) : JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies an update to the stored configuration and returns the fields it changed.
 * Throws 400 when it would change an env-locked field, names an unknown role, points at
 * a missing CA bundle, or would enable OIDC without an issuer and client ID.
 */
export async function saveOidcConfig(db: Db, update: OidcUpdate, env: PulseEnv = getEnv()): Promise<OidcField[]> {
  const storedRaw = await getSetting<StoredOidc>(db, OIDC_SETTINGS_KEY);
  const current = fromStored(storedRaw);
  const overrides = oidcEnvOverrides(env);

  const next: OidcConfig = { ...current };
  const changes: Partial<OidcConfig> = {};
  if (update.enabled !== undefined) changes.enabled = update.enabled;
  if (update.issuerUrl !== undefined) changes.issuerUrl = update.issuerUrl;
  if (update.clientId !== undefined) changes.clientId = update.clientId;
  if (update.clientSecret) changes.clientSecret = update.clientSecret;
  if (update.redirectUrl !== undefined) changes.redirectUrl = update.redirectUrl;
  if (update.scopes !== undefined) changes.scopes = normaliseScopes(update.scopes);
  if (update.usernameClaim !== undefined) changes.usernameClaim = update.usernameClaim;
  if (update.emailClaim !== undefined) changes.emailClaim = update.emailClaim;
  if (update.groupsClaim !== undefined) changes.groupsClaim = update.groupsClaim;
  if (update.allowedGroups !== undefined) changes.allowedGroups = list(update.allowedGroups);
  if (update.allowedDomains !== undefined) changes.allowedDomains = normaliseDomains(update.allowedDomains);
  if (update.allowedEmails !== undefined) changes.allowedEmails = normaliseEmails(update.allowedEmails);
  if (update.groupRoleMappings !== undefined) changes.groupRoleMappings = update.groupRoleMappings;
  if (update.defaultRole !== undefined) changes.defaultRole = update.defaultRole;
  if (update.hideLocalLogin !== undefined) changes.hideLocalLogin = update.hideLocalLogin;
  if (update.caBundle !== undefined) changes.caBundle = update.caBundle.trim();

  // A locked field may be sent back unchanged (a form posting what GET returned), never changed.
  for (const [field, value] of Object.entries(changes) as [OidcField, unknown][]) {
    if (field in overrides && !sameValue(overrides[field], value)) {
      const envVar = OIDC_ENV_VARS[field as EnvField];
      throw new ApiError("bad_request", `${field} is set by the ${envVar} environment variable and cannot be changed here`, { field, envVar });
    }
  }
  if (update.clearClientSecret && "clientSecret" in overrides) {
    throw new ApiError("bad_request", "clientSecret is set by the OIDC_CLIENT_SECRET environment variable and cannot be changed here", {
      field: "clientSecret",
      envVar: OIDC_ENV_VARS.clientSecret,
    });
  }
  // Locked fields are not stored: removing the variable later brings the stored value back.
  for (const field of Object.keys(overrides) as OidcField[]) delete changes[field];
  Object.assign(next, changes);
  if (update.clearClientSecret) delete next.clientSecret;

  const roleIds = new Set((await db.role.findMany({ select: { id: true } })).map((r) => r.id));
  for (const [group, roleId] of Object.entries(next.groupRoleMappings)) {
    if (!roleIds.has(roleId)) throw new ApiError("validation_failed", `groupRoleMappings: group "${group}" maps to unknown role "${roleId}"`);
  }
  if (next.defaultRole && !roleIds.has(next.defaultRole)) throw new ApiError("validation_failed", `defaultRole: unknown role "${next.defaultRole}"`);
  if (changes.caBundle) {
    const value = changes.caBundle;
    if (!value.startsWith("-----BEGIN") && !existsSync(value)) throw new ApiError("validation_failed", `caBundle: file not found: ${value}`);
    try {
      readCaBundle(value);
    } catch (err) {
      throw new ApiError("validation_failed", `caBundle: ${(err as Error).message}`);
    }
  }
  const effective = { ...next, ...overrides };
  if (effective.enabled && (!effective.issuerUrl || !effective.clientId)) {
    throw new ApiError("validation_failed", "issuerUrl and clientId are required to enable OIDC");
  }

  const changed = (Object.keys(changes) as OidcField[]).filter((f) => f === "clientSecret" || !sameValue(current[f], changes[f]));
  if (update.clearClientSecret && current.clientSecret) changed.push("clientSecret");
  // Keep the stored ciphertext when the secret did not change (re-encrypting would rotate it for nothing).
  const stored = toStored(next);
  if (!changes.clientSecret && !update.clearClientSecret && storedRaw?.clientSecretEnc) stored.clientSecretEnc = storedRaw.clientSecretEnc;
  await setSetting(db, OIDC_SETTINGS_KEY, stored);
  return [...new Set(changed)];
}
