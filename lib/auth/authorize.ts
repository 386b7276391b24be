/**
 * The one guard every route calls: `authorize(request, routeKey)` looks the route up in
 * the access table and returns the principal, or throws an ApiError — 401 without valid
 * credentials (or before first-run setup), 403 when a token lacks the scope or a user's
 * roles lack the permission, 403 when a cookie-authenticated write has no valid CSRF token.
 */
import { ApiError } from "../api/errors";
import { getDb } from "../db/client";
import { isSecureRequest, serializeCookie } from "./cookies";
import { InvalidCredentialsError, type Principal, resolvePrincipal } from "./principal";
import { RECOVERY_PRINCIPAL, recoveryAllows } from "./recovery";
import { allows, type Action, permissionsAllowScope } from "./roles";
import { ROUTE_ACCESS, type RouteAccess, type RouteKey } from "./route-access";
import { type Scope, hasScope } from "./scopes";
import { CSRF_COOKIE, csrfMatches, rotateCsrf } from "./sessions";
import { isAuthConfigured } from "./setup";

export type { Principal } from "./principal";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Pulse exempts these from CSRF: they are how a browser gets a session in the first place. */
const CSRF_EXEMPT = new Set(["/api/login", "/api/security/quick-setup", "/api/security/apply-restart", "/api/setup-script-url", "/api/security/validate-bootstrap-token"]);

async function unauthenticated(message?: string): Promise<never> {
  if (!message && !(await isAuthConfigured(getDb()))) {
    throw new ApiError("setup_required", "Pulse is not set up yet: complete first-run setup with the bootstrap token (PULSE_DATA_DIR/.bootstrap_token)");
  }
  throw new ApiError("unauthorized", message ?? "Authentication required");
}

function checkAccess(principal: Principal, access: RouteAccess): void {
  if (access.scope === "public" || access.scope === "authenticated") return;
  const scope = access.scope as Scope;
  if (principal.kind === "token") {
    if (!hasScope(principal.scopes, scope)) {
      throw new ApiError("missing_scope", `API token is missing the required scope: ${scope}`, { requiredScope: scope });
    }
    return;
  }
  if (principal.kind !== "user") return;
  const [action, resource] = (access.permission ?? "").split(":") as [Action, string];
  if (!permissionsAllowScope(principal.permissions, scope) || (access.permission && !allows(principal.permissions, action, resource))) {
    throw new ApiError("forbidden", access.permission ? `This needs the ${access.permission.replace(":", " permission on ")}` : `Your role does not grant ${scope}`, {
      requiredScope: scope,
      requiredPermission: access.permission,
    });
  }
}

async function checkCsrf(request: Request, principal: Principal): Promise<void> {
  if (principal.kind !== "user" || principal.method !== "session" || !principal.session) return;
  if (SAFE_METHODS.has(request.method) || CSRF_EXEMPT.has(new URL(request.url).pathname)) return;
  if (csrfMatches(principal.session, request.headers.get("x-csrf-token"))) return;
  // Refuse, and hand out a fresh token so the UI can retry.
  const fresh = await rotateCsrf(getDb(), principal.session.id);
  throw new ApiError("csrf_invalid", "CSRF token missing or invalid", {}, {
    "X-CSRF-Token": fresh,
    "Set-Cookie": serializeCookie(CSRF_COOKIE, fresh, { secure: isSecureRequest(request), maxAgeSeconds: 4 * 3600 }),
  });
}

export async function authorize(request: Request, key: RouteKey): Promise<Principal> {
  const access: RouteAccess = ROUTE_ACCESS[key];
  if (access.scope === "public") return { kind: "anonymous" };
  let principal: Principal | undefined;
  try {
    principal = await resolvePrincipal(request, getDb());
  } catch (err) {
    if (err instanceof InvalidCredentialsError) return unauthenticated(err.message);
    throw err;
  }
  // Recovery mode (POST /api/security/recovery "disable_auth"): a request from this
  // machine without credentials acts as an administrator; everyone else still signs in.
  if (!principal && (await recoveryAllows(request, getDb()))) principal = RECOVERY_PRINCIPAL;
  if (!principal) return unauthenticated();
  checkAccess(principal, access);
  await checkCsrf(request, principal);
  return principal;
}
