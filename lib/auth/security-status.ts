/**
 * `GET /api/security/status`: the security posture the UI needs before anyone signs in
 * (is setup pending, which sign-in methods exist, is SSO offered) and whether the caller
 * is signed in. Pulse's field names; nothing secret.
 */
import { clientIp } from "../api/client-ip";
import { getEnv } from "../config/env";
import type { Db } from "../db/client";
import { getSetting } from "../db/settings";
import { optionalPrincipal } from "./caller";
import { isSecureRequest } from "./cookies";
import { getCredentials } from "./credentials";
import { hasPasswordUser } from "./quick-setup";
import { isAuthDisabled } from "./recovery";
import { bootstrapTokenPath, isAuthConfigured, OIDC_SETTINGS_KEY, readBootstrapToken } from "./setup";

export type AuthMethod = "password" | "token" | "oidc" | "proxy";

export interface OidcPosture {
  enabled: boolean;
  hideLocalLogin: boolean;
}

/**
 * What the login page needs to know about SSO: the stored OIDC settings, where
 * `OIDC_ENABLED` (when set) overrides them, and `OIDC_ISSUER_URL` alone means enabled (as
 * `isAuthConfigured` reads it).
 */
export async function oidcPosture(db: Db): Promise<OidcPosture> {
  const stored = await getSetting<{ enabled?: unknown; hideLocalLogin?: unknown }>(db, OIDC_SETTINGS_KEY);
  const envEnabled = process.env.OIDC_ENABLED?.trim().toLowerCase();
  const enabled = envEnabled ? ["1", "true", "yes", "on"].includes(envEnabled) : stored?.enabled === true || !!process.env.OIDC_ISSUER_URL;
  return { enabled, hideLocalLogin: enabled && stored?.hideLocalLogin === true };
}

export async function securityStatus(db: Db, request: Request, dataDir: string): Promise<Record<string, unknown>> {
  const env = getEnv();
  const configured = await isAuthConfigured(db);
  const requiresSetup = !configured && !!readBootstrapToken(dataDir);
  const passwordAuth = await hasPasswordUser(db);
  const apiTokenConfigured = getCredentials().tokens.length > 0 || (await db.apiToken.count()) > 0;
  const oidc = await oidcPosture(db);
  const proxyAuth = !!env.PROXY_AUTH_SECRET;
  const authMethods: AuthMethod[] = [];
  if (passwordAuth) authMethods.push("password");
  if (apiTokenConfigured) authMethods.push("token");
  if (oidc.enabled) authMethods.push("oidc");
  if (proxyAuth) authMethods.push("proxy");
  const https = isSecureRequest(request);

  // `?token=` is ignored here: a public endpoint must not become a token-validity oracle.
  const url = new URL(request.url);
  url.search = "";
  const caller = await optionalPrincipal(new Request(url, { headers: request.headers }), db);
  const authenticated = !!caller && caller.kind !== "anonymous";

  const status: Record<string, unknown> = {
    hasAuthentication: configured,
    configured,
    requiresAuth: configured,
    requiresSetup,
    authMethods,
    passwordAuthConfigured: passwordAuth,
    apiTokenConfigured,
    oidcEnabled: oidc.enabled,
    proxyAuthEnabled: proxyAuth,
    hasProxyAuth: proxyAuth,
    hideLocalLogin: oidc.hideLocalLogin,
    exportProtected: true,
    unprotectedExportAllowed: false,
    httpsEnabled: https,
    hasHTTPS: https,
    credentialsEncrypted: true,
    hasAuditLogging: true,
    clientIP: clientIp(request),
    authenticated,
  };
  if (oidc.enabled) status.oidcLoginUrl = "/api/oidc/login";
  if (proxyAuth && env.PROXY_AUTH_LOGOUT_URL) status.proxyAuthLogoutURL = env.PROXY_AUTH_LOGOUT_URL;
  if (requiresSetup) status.bootstrapTokenPath = bootstrapTokenPath(dataDir);
  if (caller?.kind === "user") {
    status.username = caller.username;
    status.authMethod = caller.method;
  } else if (caller?.kind === "token") {
    status.authMethod = "token";
    status.tokenScopes = caller.scopes;
  }
  if (authenticated) status.recoveryMode = await isAuthDisabled(db);
  return status;
}
