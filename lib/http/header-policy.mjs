/**
 * The headers Pulse puts on every page and API answer — CSP, frame protection, nosniff,
 * Referrer-/Permissions-Policy — and its CORS answers. Plain JavaScript so next.config.js
 * can use it as well as the custom server (lib/http/security-headers.ts).
 *
 * Scripts: Next's production pages carry inline bootstrap scripts (`self.__next_f.push`),
 * so `script-src` allows 'self' and 'unsafe-inline' instead of per-request nonces, which
 * would force every page to render dynamically. Development adds 'unsafe-eval' for
 * Next's hot reload.
 */

export const PERMISSIONS_POLICY = "geolocation=(), microphone=(), camera=()";
export const CORS_ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
export const CORS_ALLOW_HEADERS = "Content-Type, Authorization, X-API-Token, X-CSRF-Token, X-Setup-Token, X-Requested-With";
export const CORS_EXPOSE_HEADERS = "X-CSRF-Token, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After";
export const CORS_MAX_AGE_SECONDS = "600";

/** `https://Example.com:443/` → `https://example.com`; undefined for anything but an http(s) origin. */
export function normalizeOrigin(value) {
  try {
    const u = new URL(String(value).trim());
    if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/** A comma-separated origin list (`*` kept); entries that are not origins are dropped. */
export function parseOriginList(value) {
  if (!value) return [];
  const out = [];
  for (const raw of String(value).split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const origin = entry === "*" ? "*" : normalizeOrigin(entry);
    if (origin && !out.includes(origin)) out.push(origin);
  }
  return out;
}

/** Embedding off: nobody may frame Pulse. On: the listed origins (and Pulse itself), or anyone when none are listed. */
export function frameAncestors(policy) {
  if (!policy.allowEmbedding) return "'none'";
  if (!policy.embedOrigins.length || policy.embedOrigins.includes("*")) return "*";
  return ["'self'", ...policy.embedOrigins].join(" ");
}

export function contentSecurityPolicy(policy) {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${policy.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    `frame-ancestors ${frameAncestors(policy)}`,
  ].join("; ");
}

export function securityHeaders(policy) {
  const headers = {
    "Content-Security-Policy": contentSecurityPolicy(policy),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
  };
  // X-Frame-Options cannot name origins; with embedding on, frame-ancestors decides alone.
  if (!policy.allowEmbedding) headers["X-Frame-Options"] = "DENY";
  return headers;
}

/**
 * CORS headers for a request carrying `Origin`, or undefined when that origin may not
 * read the answer (the default: same-origin only). Credentials (cookies) are never
 * shared cross-origin; other sites call the API with a token.
 */
export function corsHeaders(origin, allowedOrigins) {
  if (!origin || !allowedOrigins.length) return undefined;
  if (allowedOrigins.includes("*")) return { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": CORS_EXPOSE_HEADERS };
  const normalized = normalizeOrigin(origin);
  if (!normalized || !allowedOrigins.includes(normalized)) return undefined;
  return { "Access-Control-Allow-Origin": normalized, "Access-Control-Expose-Headers": CORS_EXPOSE_HEADERS, Vary: "Origin" };
}

/** The answer to an allowed preflight (`OPTIONS` with `Access-Control-Request-Method`). */
export function preflightHeaders(origin, allowedOrigins) {
  const base = corsHeaders(origin, allowedOrigins);
  if (!base) return undefined;
  return {
    ...base,
    "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
    "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
    "Access-Control-Max-Age": CORS_MAX_AGE_SECONDS,
  };
}

const TRUE = new Set(["1", "true", "yes", "on"]);

/**
 * next.config.js `headers()` for deployments without the custom server (`next start`):
 * taken from the environment when the app is built, so the stored `allowEmbedding`
 * setting and multi-origin CORS need the custom server. The rules skip requests the
 * custom server handled (it marks them with `x-pulse-client-ip` and sets headers itself).
 */
export function staticHeaderRules(env) {
  const missing = [{ type: "header", key: "x-pulse-client-ip" }];
  const policy = {
    allowEmbedding: TRUE.has(String(env.ALLOW_EMBEDDING ?? "").toLowerCase()),
    embedOrigins: parseOriginList(env.ALLOWED_EMBED_ORIGINS),
    dev: env.NODE_ENV === "development",
  };
  const toList = (h) => Object.entries(h).map(([key, value]) => ({ key, value }));
  const rules = [{ source: "/:path*", missing, headers: toList(securityHeaders(policy)) }];
  // A static rule can only name one origin (or `*`).
  const origins = parseOriginList(env.ALLOWED_ORIGINS);
  if (origins.length === 1) {
    rules.push({ source: "/api/:path*", missing, headers: toList(preflightHeaders(origins[0], origins)) });
  }
  return rules;
}
