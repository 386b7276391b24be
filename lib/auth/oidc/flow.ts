/**
 * The two browser-facing SSO routes: `/api/oidc/login` sends the browser to the IdP,
 * `/api/oidc/callback` turns the IdP's answer into a Pulse session. Both answer with
 * redirects; a failure lands on `/login?error=<code>`:
 *   oidc_disabled (not enabled or incomplete), oidc_unavailable (the IdP could not be
 *   reached or refused to start), oidc_failed (the answer did not verify: state, nonce,
 *   PKCE, token), oidc_denied (the IdP reported an error, e.g. the user cancelled),
 *   oidc_not_allowed (allowed groups/domains/emails), oidc_user_conflict (the name belongs
 *   to a local user), oidc_user_disabled, oidc_invalid_claims.
 */
import { clientIp } from "../../api/client-ip";
import { recordAuditEvent } from "../../audit/record";
import type { Db } from "../../db/client";
import { isSecureRequest } from "../cookies";
import { sessionCookieHeaders } from "../session-cookies";
import { loadOidcConfig, oidcReadiness } from "./config";
import { completeOidcLogin } from "./login";
import { beginOidcLogin, finishOidcLogin } from "./next-auth";
import { safeReturnTo, withOidcSuccess } from "./return-to";

function redirect(location: string, setCookies: string[] = []): Response {
  const headers = new Headers({ Location: location, "Cache-Control": "no-store" });
  for (const cookie of setCookies) headers.append("Set-Cookie", cookie);
  return new Response(null, { status: 302, headers });
}

const loginError = (code: string) => `/login?error=${encodeURIComponent(code)}`;

export async function oidcLoginResponse(request: Request, db: Db): Promise<Response> {
  const { config } = await loadOidcConfig(db);
  if (oidcReadiness(config)) return redirect(loginError("oidc_disabled"));
  const returnTo = safeReturnTo(new URL(request.url).searchParams.get("returnTo"));
  const step = await beginOidcLogin(request, config, returnTo);
  if (step.error || !step.location) {
    await recordAuditEvent(db, { event: "oidc_login_failed", ip: clientIp(request), path: "/api/oidc/login", success: false, details: `Could not start SSO: ${step.error}` });
    return redirect(loginError("oidc_unavailable"));
  }
  return redirect(step.location, step.setCookies);
}

export async function oidcCallbackResponse(request: Request, db: Db): Promise<Response> {
  const { config } = await loadOidcConfig(db);
  if (oidcReadiness(config)) return redirect(loginError("oidc_disabled"));
  const ip = clientIp(request);
  const step = await finishOidcLogin(request, config);
  if (!step.claims) {
    const denied = new URL(request.url).searchParams.has("error");
    await recordAuditEvent(db, { event: "oidc_login_failed", ip, path: "/api/oidc/callback", success: false, details: `SSO callback refused: ${step.error}` });
    return redirect(loginError(denied ? "oidc_denied" : "oidc_failed"), step.setCookies);
  }
  const result = await completeOidcLogin(db, step.claims, config, { ip, userAgent: request.headers.get("user-agent") ?? undefined });
  if (!result.ok) return redirect(loginError(result.code), step.setCookies);
  const session = sessionCookieHeaders(result.issued, isSecureRequest(request)).getSetCookie();
  return redirect(withOidcSuccess(step.returnTo), [...step.setCookies, ...session]);
}
