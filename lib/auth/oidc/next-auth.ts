/**
 * The OIDC protocol, done by next-auth v4 and the openid-client it wraps: discovery,
 * state + nonce + PKCE (S256) kept in encrypted short-lived cookies, the code exchange,
 * ID token verification (signature, issuer, audience, expiry, nonce) and userinfo.
 *
 * Pulse's routes drive next-auth's API handler directly, each with the action it stands
 * for (`/api/oidc/login` → `csrf` + `signin`, `/api/oidc/callback` → `callback`), with its
 * base URL (NEXTAUTH_URL) at `<origin>/api/oidc`. Two adjustments keep Pulse's contract:
 *  - the redirect URI is Pulse's `/api/oidc/callback`, where next-auth would use
 *    `<base>/callback/<provider id>`: it is set in the authorization request and in the
 *    token request (`token.request` makes next-auth's own `client.callback` call, with
 *    that URI);
 *  - the `signIn` callback hands the verified claims over and stops next-auth before it
 *    mints a session of its own: the Pulse session is the only app session.
 * Only route handlers import this module (next-auth is CommonJS and Next-oriented).
 */
import { createHmac } from "node:crypto";
import tls from "node:tls";
import NextAuthImport, { type AuthOptions, type CookiesOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import { loadEncryptionKey } from "../../crypto/secrets";
import { logger } from "../../logger";
import { isSecureRequest, parseCookies } from "../cookies";
import { type OidcConfig, oidcRedirectUri, readCaBundle } from "./config";
import type { Claims } from "./login";
import { safeReturnTo } from "./return-to";

export const OIDC_PROVIDER_ID = "pulse-oidc";
/** Pulse's state TTL: a sign-in must come back from the IdP within 10 minutes. */
const FLOW_TTL_SECONDS = 600;
const HTTP_TIMEOUT_MS = 10_000;

const COOKIE_NAMES = {
  sessionToken: "pulse_oidc_nextauth",
  callbackUrl: "pulse_oidc_return",
  csrfToken: "pulse_oidc_csrf",
  pkceCodeVerifier: "pulse_oidc_pkce",
  state: "pulse_oidc_state",
  nonce: "pulse_oidc_nonce",
} as const satisfies Record<keyof CookiesOptions, string>;

type NextAuthApiHandler = (req: unknown, res: unknown, options: AuthOptions) => Promise<unknown>;
// CommonJS interop: the default export may arrive as the module object.
const nextAuth = ((NextAuthImport as unknown as { default?: NextAuthApiHandler }).default ?? NextAuthImport) as unknown as NextAuthApiHandler;

/** What one flow step learns from next-auth's callbacks. */
interface FlowContext {
  claims?: Claims;
  returnTo: string;
  error?: string;
}

export interface FlowStep {
  /** where to send the browser (on success) */
  location?: string;
  setCookies: string[];
  /** why the step failed */
  error?: string;
  returnTo: string;
  claims?: Claims;
}

/** Keys next-auth's flow cookies; derived from the data dir's key, so nothing to configure. */
function flowSecret(): string {
  return createHmac("sha256", loadEncryptionKey()).update("pulse oidc flow cookies").digest("hex");
}

let customCaApplied = false;

/** openid-client keeps HTTP options process-wide: reset the CA list once a bundle was used. */
function httpOptions(config: OidcConfig): NonNullable<OAuthConfig<Claims>["httpOptions"]> {
  const pem = readCaBundle(config.caBundle);
  if (pem) {
    customCaApplied = true;
    return { timeout: HTTP_TIMEOUT_MS, ca: [...tls.rootCertificates, pem] };
  }
  return customCaApplied ? { timeout: HTTP_TIMEOUT_MS, ca: [...tls.rootCertificates] } : { timeout: HTTP_TIMEOUT_MS };
}

function provider(config: OidcConfig, redirectUri: string): OAuthConfig<Claims> {
  const issuer = config.issuerUrl.replace(/\/+$/, "");
  return {
    id: OIDC_PROVIDER_ID,
    name: "SSO",
    type: "oauth",
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    // Without a secret this is a public client; PKCE protects the code.
    client: { redirect_uris: [redirectUri], token_endpoint_auth_method: config.clientSecret ? "client_secret_basic" : "none" },
    authorization: { params: { scope: config.scopes, redirect_uri: redirectUri } },
    checks: ["pkce", "state", "nonce"],
    idToken: true,
    httpOptions: httpOptions(config),
    token: {
      async request({ client, params, checks }) {
        return { tokens: await client.callback(redirectUri, params, checks) };
      },
    },
    userinfo: {
      // The verified ID token's claims, completed from userinfo (many IdPs put email and
      // groups only there); openid-client checks that userinfo's `sub` matches the token's.
      async request({ client, tokens }) {
        const set = tokens as unknown as TokenSet;
        if (!set.id_token) throw new Error("the IdP returned no ID token");
        // The token was verified against the discovered issuer; that must be the configured one.
        const discovered = String(client.issuer.metadata.issuer ?? "");
        if (discovered.replace(/\/+$/, "") !== issuer) throw new Error(`discovered issuer ${discovered} is not the configured ${config.issuerUrl}`);
        const idClaims = set.claims() as Claims;
        if (!client.issuer.metadata.userinfo_endpoint || !set.access_token) return idClaims;
        try {
          return { ...((await client.userinfo(set)) as Claims), ...idClaims };
        } catch (err) {
          logger.warn({ err }, "OIDC userinfo request failed; using the ID token's claims");
          return idClaims;
        }
      },
    },
    profile(claims) {
      const text = (v: unknown) => (typeof v === "string" ? v : null);
      return { id: String(claims.sub), name: text(claims.name) ?? text(claims.preferred_username), email: text(claims.email), image: null };
    },
  };
}

function authOptions(config: OidcConfig, redirectUri: string, secure: boolean, ctx: FlowContext): AuthOptions {
  const cookiePath = new URL(redirectUri).pathname.replace(/\/callback$/, "");
  const cookie = (name: string, maxAge?: number) => ({ name, options: { httpOnly: true, sameSite: "lax", path: cookiePath, secure, ...(maxAge ? { maxAge } : {}) } });
  return {
    providers: [provider(config, redirectUri)],
    secret: flowSecret(),
    useSecureCookies: secure,
    cookies: {
      sessionToken: cookie(COOKIE_NAMES.sessionToken),
      callbackUrl: cookie(COOKIE_NAMES.callbackUrl, FLOW_TTL_SECONDS),
      csrfToken: cookie(COOKIE_NAMES.csrfToken, FLOW_TTL_SECONDS),
      pkceCodeVerifier: cookie(COOKIE_NAMES.pkceCodeVerifier, FLOW_TTL_SECONDS),
      state: cookie(COOKIE_NAMES.state, FLOW_TTL_SECONDS),
      nonce: cookie(COOKIE_NAMES.nonce, FLOW_TTL_SECONDS),
    },
    pages: { signIn: "/login", error: "/login" },
    callbacks: {
      // Where to return after sign-in: a path on this server only.
      redirect({ url }) {
        ctx.returnTo = safeReturnTo(url);
        return ctx.returnTo;
      },
      signIn({ profile }) {
        ctx.claims = profile as Claims;
        // A URL ends next-auth's callback here, before it writes a session cookie.
        return `${cookiePath}/handoff`;
      },
    },
    logger: {
      error(code, metadata) {
        const err = metadata instanceof Error ? metadata : (metadata as { error?: Error })?.error;
        ctx.error = `${code}${err?.message ? `: ${err.message}` : ""}`;
        logger.warn({ code, err }, "OIDC sign-in step failed");
      },
      warn(code) {
        logger.debug({ code }, "next-auth warning");
      },
      debug() {},
    },
  };
}

/** Collects what next-auth's API handler writes to its response. */
class ReplyRecorder {
  statusCode = 200;
  body: unknown;
  private readonly headers = new Map<string, unknown>();
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: unknown) {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }
  end() {
    return this;
  }
  json(body: unknown) {
    this.body = body;
    return this;
  }
  send(body: unknown) {
    this.body = body;
    return this;
  }
  get location(): string | undefined {
    const v = this.headers.get("location");
    return typeof v === "string" ? v : undefined;
  }
  get setCookies(): string[] {
    const v = this.headers.get("set-cookie");
    return Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
  }
}

interface NextAuthCall {
  method: "GET" | "POST";
  action: [string] | [string, string];
  query?: Record<string, string>;
  body?: Record<string, string>;
  cookies: Record<string, string>;
}

async function callNextAuth(baseUrl: string, options: AuthOptions, call: NextAuthCall): Promise<ReplyRecorder> {
  const reply = new ReplyRecorder();
  const req = { method: call.method, query: { ...call.query, nextauth: call.action }, body: call.body ?? {}, cookies: call.cookies, headers: {} };
  // next-auth reads its base URL from NEXTAUTH_URL, synchronously as the call starts.
  process.env.NEXTAUTH_URL = baseUrl;
  await nextAuth(req, reply, options);
  return reply;
}

function cookieValue(setCookies: string[], name: string): string | undefined {
  const line = setCookies.find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  return decodeURIComponent(line.slice(name.length + 1).split(";", 1)[0]);
}

function flowCookies(request: Request): Record<string, string> {
  const all = parseCookies(request.headers.get("cookie"));
  return Object.fromEntries(Object.entries(all).filter(([name]) => name.startsWith("pulse_oidc_")));
}

function setup(request: Request, config: OidcConfig, ctx: FlowContext) {
  const redirectUri = oidcRedirectUri(request, config);
  const base = redirectUri.replace(/\/callback$/, "");
  return { base, options: authOptions(config, redirectUri, isSecureRequest(request), ctx) };
}

/** next-auth's options for this request, or the failed step when the config cannot be used. */
function prepare(request: Request, config: OidcConfig): { ctx: FlowContext; base: string; options: AuthOptions } | (FlowStep & { error: string }) {
  const ctx: FlowContext = { returnTo: "/" };
  try {
    return { ctx, ...setup(request, config, ctx) };
  } catch (err) {
    return { setCookies: [], returnTo: "/", error: (err as Error).message };
  }
}

/** GET /api/oidc/login: the IdP's authorization URL, with the flow cookies to set. */
export async function beginOidcLogin(request: Request, config: OidcConfig, returnTo: string): Promise<FlowStep> {
  const prepared = prepare(request, config);
  if ("error" in prepared) return prepared;
  const { ctx, base, options } = prepared;
  // next-auth starts a sign-in only on a POST carrying its CSRF token: fetch one, then sign in.
  const csrf = await callNextAuth(base, options, { method: "GET", action: ["csrf"], cookies: {} });
  const csrfToken = (csrf.body as { csrfToken?: string } | undefined)?.csrfToken;
  const csrfCookie = cookieValue(csrf.setCookies, COOKIE_NAMES.csrfToken);
  if (!csrfToken || !csrfCookie) return { setCookies: [], returnTo: "/", error: "next-auth issued no CSRF token" };

  const signin = await callNextAuth(base, options, {
    method: "POST",
    action: ["signin", OIDC_PROVIDER_ID],
    body: { csrfToken, callbackUrl: safeReturnTo(returnTo) },
    cookies: { [COOKIE_NAMES.csrfToken]: csrfCookie },
  });
  const location = signin.location;
  // Failures come back as a redirect to next-auth's own error or sign-in page under the base.
  if (!location || location.startsWith(base) || location.startsWith("/")) {
    return { setCookies: [], returnTo: ctx.returnTo, error: ctx.error ?? `could not start sign-in (${location ?? "no redirect"})` };
  }
  const setCookies = signin.setCookies.filter((c) => !c.startsWith(`${COOKIE_NAMES.csrfToken}=`));
  return { location, setCookies, returnTo: ctx.returnTo };
}

/** GET /api/oidc/callback: the verified claims (or why there are none) and the cookies to clear. */
export async function finishOidcLogin(request: Request, config: OidcConfig): Promise<FlowStep> {
  const prepared = prepare(request, config);
  if ("error" in prepared) return prepared;
  const { ctx, base, options } = prepared;
  // The IdP's answer (code, state, iss, error…); where to return to comes from the flow cookie only.
  const { callbackUrl: _ignored, ...query } = Object.fromEntries(new URL(request.url).searchParams);
  const reply = await callNextAuth(base, options, { method: "GET", action: ["callback", OIDC_PROVIDER_ID], query, cookies: flowCookies(request) });

  // The flow is over either way: every flow cookie goes (next-auth's session cookie is never written).
  const secure = isSecureRequest(request) ? "; Secure" : "";
  const path = new URL(oidcRedirectUri(request, config)).pathname.replace(/\/callback$/, "");
  const setCookies = Object.values(COOKIE_NAMES).map((name) => `${name}=; Path=${path}; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
  if (reply.setCookies.some((c) => c.startsWith(`${COOKIE_NAMES.sessionToken}=`) && !/Max-Age=0/i.test(c))) {
    logger.warn("next-auth wrote its own session cookie; it is discarded");
  }

  if (!ctx.claims) {
    const idpError = query.error ? `the IdP answered ${query.error}${query.error_description ? `: ${query.error_description}` : ""}` : undefined;
    return { setCookies, returnTo: ctx.returnTo, error: idpError ?? ctx.error ?? "sign-in could not be completed" };
  }
  return { setCookies, returnTo: ctx.returnTo, claims: ctx.claims };
}
