/** Who did it and from where, as the audit log records it for an API request. */
import { clientIp } from "../api/client-ip";
import type { Principal } from "../auth/principal";

/** A user's name, or `token:<name>` for an API token. */
export function auditActor(principal: Principal): string | undefined {
  if (principal.kind === "user") return principal.username;
  if (principal.kind === "token") return `token:${principal.name}`;
  return undefined;
}

export function auditFields(request: Request, principal: Principal): { user?: string; ip: string; path: string } {
  return { user: auditActor(principal), ip: clientIp(request), path: new URL(request.url).pathname };
}
