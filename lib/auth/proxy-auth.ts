/**
 * Proxy authentication (Pulse's): a reverse proxy that has already authenticated the user
 * sends `X-Proxy-Secret: <PROXY_AUTH_SECRET>` plus the username (and optionally roles) in
 * configured headers. Roles are split on `PROXY_AUTH_ROLE_SEPARATOR` (`|`); the
 * `PROXY_AUTH_ADMIN_ROLE` (`admin`) makes an administrator, names of built-in roles grant
 * those roles, anything else is an operator. Without a role header every proxy user is an
 * administrator, as in Pulse.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { getEnv } from "../config/env";
import { BUILT_IN_ROLES, type Permission } from "./roles";

export interface ProxyUser {
  username: string;
  roles: string[];
  isAdmin: boolean;
  permissions: Permission[];
}

const roleById = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** `undefined`: no proxy auth on this request; `"invalid"`: proxy headers present but not acceptable. */
export function resolveProxyUser(request: Request): ProxyUser | "invalid" | undefined {
  const env = getEnv();
  if (!env.PROXY_AUTH_SECRET) return undefined;
  const secret = request.headers.get("x-proxy-secret");
  if (secret === null) return undefined;
  if (!sameSecret(secret, env.PROXY_AUTH_SECRET)) return "invalid";
  const username = request.headers.get(env.PROXY_AUTH_USER_HEADER)?.trim();
  if (!username || username.length > 256) return "invalid";

  if (!env.PROXY_AUTH_ROLE_HEADER) return { username, roles: ["admin"], isAdmin: true, permissions: roleById.get("admin")!.permissions };
  const roles = (request.headers.get(env.PROXY_AUTH_ROLE_HEADER) ?? "")
    .split(env.PROXY_AUTH_ROLE_SEPARATOR)
    .map((r) => r.trim())
    .filter(Boolean);
  const isAdmin = roles.includes(env.PROXY_AUTH_ADMIN_ROLE);
  const granted = isAdmin ? ["admin"] : roles.filter((r) => roleById.has(r));
  const permissions = (granted.length ? granted : ["operator"]).flatMap((r) => roleById.get(r)!.permissions);
  return { username, roles, isAdmin, permissions };
}
