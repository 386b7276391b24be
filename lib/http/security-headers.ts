/**
 * Security headers and CORS for every response of the custom server (pages, API, static
 * files). Embedding follows `ALLOW_EMBEDDING`/`ALLOWED_EMBED_ORIGINS` or, when those are
 * unset, the stored `allowEmbedding`/`allowedEmbedOrigins` settings (re-read every few
 * seconds, so a change applies without a restart); CORS follows `ALLOWED_ORIGINS`.
 * The header values themselves come from ./header-policy.mjs, shared with next.config.js.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getEnv, type PulseEnv } from "../config/env";
import { normalizeSettings, SETTINGS_KEY } from "../config/system-settings";
import { getDb } from "../db/client";
import { getSetting } from "../db/settings";
import { logger } from "../logger";
import { type HeaderPolicy, parseOriginList, preflightHeaders, corsHeaders, securityHeaders } from "./header-policy.mjs";

export interface ResolvedHeaderPolicy extends HeaderPolicy {
  /** origins allowed to call the API cross-origin (`*` = any); empty = same-origin only */
  corsOrigins: string[];
}

type HeaderEnv = Pick<PulseEnv, "ALLOW_EMBEDDING" | "ALLOWED_EMBED_ORIGINS" | "ALLOWED_ORIGINS" | "NODE_ENV">;

/** The environment turns embedding on (or names origins) over the stored setting; it never turns it off. */
export function resolveHeaderPolicy(env: HeaderEnv, settings?: { allowEmbedding?: boolean; allowedEmbedOrigins?: string }): ResolvedHeaderPolicy {
  const envOrigins = parseOriginList(env.ALLOWED_EMBED_ORIGINS);
  return {
    allowEmbedding: env.ALLOW_EMBEDDING || !!settings?.allowEmbedding,
    embedOrigins: envOrigins.length ? envOrigins : parseOriginList(settings?.allowedEmbedOrigins),
    dev: env.NODE_ENV === "development",
    corsOrigins: parseOriginList(env.ALLOWED_ORIGINS),
  };
}

const REFRESH_MS = 5000;
const g = globalThis as unknown as { __pulseHeaderPolicy?: { policy: ResolvedHeaderPolicy; loadedAt: number; loading?: Promise<ResolvedHeaderPolicy> } };

/** Re-reads the stored settings; on a database error the previous (or env-only) policy stays. */
export async function refreshHeaderPolicy(): Promise<ResolvedHeaderPolicy> {
  const env = getEnv();
  let policy: ResolvedHeaderPolicy;
  try {
    policy = resolveHeaderPolicy(env, normalizeSettings(await getSetting(getDb(), SETTINGS_KEY)));
  } catch (err) {
    logger.warn({ err }, "could not read embedding settings; keeping the previous header policy");
    policy = g.__pulseHeaderPolicy?.policy ?? resolveHeaderPolicy(env);
  }
  g.__pulseHeaderPolicy = { policy, loadedAt: Date.now() };
  return policy;
}

/** The cached policy; a stale one is served while a refresh runs in the background. */
export function currentHeaderPolicy(): ResolvedHeaderPolicy {
  const cached = g.__pulseHeaderPolicy;
  if (!cached) {
    const policy = resolveHeaderPolicy(getEnv());
    g.__pulseHeaderPolicy = { policy, loadedAt: 0 };
    void refreshOnce();
    return policy;
  }
  if (Date.now() - cached.loadedAt > REFRESH_MS) void refreshOnce();
  return cached.policy;
}

function refreshOnce(): Promise<ResolvedHeaderPolicy> {
  const cached = g.__pulseHeaderPolicy;
  if (cached?.loading) return cached.loading;
  const loading = refreshHeaderPolicy();
  if (cached) cached.loading = loading;
  return loading;
}

/**
 * Puts the security headers (and CORS headers for an allowed `Origin`) on a response
 * before the app writes it. Returns true when it answered the request itself: a CORS
 * preflight, allowed (204) or not (403).
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, policy: ResolvedHeaderPolicy = currentHeaderPolicy()): boolean {
  for (const [name, value] of Object.entries(securityHeaders(policy))) res.setHeader(name, value);
  // The answer depends on Origin whenever specific origins are allowed; caches must know.
  if (policy.corsOrigins.length && !policy.corsOrigins.includes("*")) res.setHeader("Vary", "Origin");
  const origin = req.headers.origin;
  if (!origin) return false;

  const isPreflight = req.method === "OPTIONS" && !!req.headers["access-control-request-method"];
  if (isPreflight) {
    const headers = preflightHeaders(origin, policy.corsOrigins);
    if (headers) {
      res.writeHead(204, headers).end();
    } else {
      const body = { error: "Cross-origin requests from this origin are not allowed", code: "forbidden", status_code: 403, timestamp: Math.floor(Date.now() / 1000) };
      res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    }
    return true;
  }
  const headers = corsHeaders(origin, policy.corsOrigins);
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  return false;
}
