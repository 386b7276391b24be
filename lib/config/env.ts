/**
 * Environment configuration, validated once with zod. Pulse's variable names are
 * kept where Pulse has one, so an existing Pulse `.env` carries over.
 */
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

/** like `bool`, but an unset or empty variable stays undefined (so it does not override a stored setting) */
const optionalBool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : ["1", "true", "yes", "on"].includes(v)));

const port = z.coerce.number().int().min(1).max(65535);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: port.optional(),
    FRONTEND_PORT: port.optional(),
    BIND_ADDRESS: z.string().min(1).default("0.0.0.0"),
    PULSE_DATA_DIR: z.string().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .refine((u) => /^(file:|postgres(ql)?:\/\/)/.test(u), "DATABASE_URL must start with file: or postgresql://")
      .optional(),
    PULSE_DEMO: bool.default(false),
    PULSE_AUTH_USER: z.string().min(1).max(128).optional(),
    PULSE_AUTH_PASS: z.string().min(1).max(1024).optional(),
    API_TOKENS: z.string().optional(),
    API_TOKEN: z.string().optional(),
    /** proxy authentication: the shared secret the proxy sends in X-Proxy-Secret */
    PROXY_AUTH_SECRET: z.string().min(16, "PROXY_AUTH_SECRET must be at least 16 characters").optional(),
    PROXY_AUTH_USER_HEADER: z.string().min(1).default("X-Remote-User"),
    PROXY_AUTH_ROLE_HEADER: z.string().min(1).optional(),
    PROXY_AUTH_ROLE_SEPARATOR: z.string().min(1).default("|"),
    PROXY_AUTH_ADMIN_ROLE: z.string().min(1).default("admin"),
    PROXY_AUTH_LOGOUT_URL: z.string().url().optional(),
    /** OIDC single sign-on; each one set (non-empty) overrides and locks the stored setting */
    OIDC_ENABLED: optionalBool,
    OIDC_ISSUER_URL: z.string().optional(),
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    OIDC_REDIRECT_URL: z.string().optional(),
    OIDC_SCOPES: z.string().optional(),
    OIDC_USERNAME_CLAIM: z.string().optional(),
    OIDC_GROUPS_CLAIM: z.string().optional(),
    /** comma- or space-separated lists */
    OIDC_ALLOWED_GROUPS: z.string().optional(),
    OIDC_ALLOWED_DOMAINS: z.string().optional(),
    OIDC_ALLOWED_EMAILS: z.string().optional(),
    /** PEM bundle (a file path or the PEM text) trusted for the identity provider's TLS */
    OIDC_CA_BUNDLE: z.string().optional(),
    /** allow other sites to embed Pulse in an iframe (overrides the `allowEmbedding` setting when true) */
    ALLOW_EMBEDDING: bool.default(false),
    /** comma-separated origins allowed to embed Pulse (CSP frame-ancestors); empty = any, once embedding is allowed */
    ALLOWED_EMBED_ORIGINS: z.string().optional(),
    /** CORS: comma-separated origins (or `*`) allowed to call the API from a browser; unset = same-origin only */
    ALLOWED_ORIGINS: z.string().optional(),
    PULSE_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    /** overrides the stored PVE polling interval (seconds, clamped to 10 s – 1 h) */
    PVE_POLLING_INTERVAL: z.coerce.number().int().min(1).optional(),
    /** poll interval in ms below the 10 s floor, for tests and quick demos */
    PULSE_POLL_INTERVAL_MS: z.coerce.number().int().min(50).optional(),
    PULSE_SIM_NODES: z.coerce.number().int().min(1).max(200).default(3),
    PULSE_SIM_GUESTS: z.coerce.number().int().min(0).max(20000).default(24),
    /** loopback port of the demo simulator; 0 picks a free one */
    PULSE_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  })
  .transform((e) => ({
    ...e,
    port: e.PORT ?? e.FRONTEND_PORT ?? 7655,
    dataDir: path.resolve(e.PULSE_DATA_DIR),
  }));

export type PulseEnv = z.infer<typeof EnvSchema>;

let cached: PulseEnv | undefined;

/** Parse `process.env` (or the given record); throws one readable error listing every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): PulseEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The process-wide environment, parsed on first use. */
export function getEnv(): PulseEnv {
  cached ??= loadEnv();
  return cached;
}

/** Tests change env between cases; they call this to re-read it. */
export function resetEnvCache(): void {
  cached = undefined;
}
