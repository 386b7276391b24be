/**
 * What the page shell may offer the person looking at it. A kiosk viewer (`?token=`)
 * only ever reads: the browser holds no session, so it could not send a write anyway,
 * and the shell hides settings links and write controls for it.
 */
import type { Principal } from "@/lib/auth/principal";
import { optionalPrincipal } from "@/lib/auth/caller";
import { permissionsAllowScope } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { pageRequest } from "./server-auth";

export interface Viewer {
  kind: "user" | "token";
  username?: string;
  /** may change monitoring data (metadata, alerts): `monitoring:write` */
  canWrite: boolean;
  /** may open the settings pages: `settings:write` */
  canManageSettings: boolean;
  /** signed in with the session cookie, so "Sign out" means something */
  hasSession: boolean;
}

export function viewerOf(principal: Principal): Viewer | undefined {
  if (principal.kind === "token") return { kind: "token", canWrite: false, canManageSettings: false, hasSession: false };
  if (principal.kind !== "user") return undefined;
  return {
    kind: "user",
    username: principal.username,
    canWrite: permissionsAllowScope(principal.permissions, "monitoring:write"),
    canManageSettings: permissionsAllowScope(principal.permissions, "settings:write"),
    hasSession: principal.method === "session",
  };
}

/**
 * The viewer of the current page request, from its cookies (and `token`, when the page
 * got one in its query), or undefined when nobody valid is signed in. Never redirects, so
 * a layout can call it; pages gate access with `requireViewer` first.
 */
export async function currentViewer(token?: string): Promise<Viewer | undefined> {
  const request = await pageRequest(token ? `/?token=${encodeURIComponent(token)}` : "/");
  const principal = await optionalPrincipal(request, getDb());
  return principal ? viewerOf(principal) : undefined;
}
