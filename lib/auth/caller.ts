/**
 * Who is calling a public route that behaves differently for signed-in callers (quick
 * setup with `force`, the security status). Unlike `authorize`, never throws: bad
 * credentials simply mean nobody is signed in.
 */
import type { Db } from "../db/client";
import { InvalidCredentialsError, type Principal, resolvePrincipal } from "./principal";
import { RECOVERY_PRINCIPAL, recoveryAllows } from "./recovery";
import { allows } from "./roles";

export async function optionalPrincipal(request: Request, db: Db): Promise<Principal | undefined> {
  try {
    const p = await resolvePrincipal(request, db);
    if (p) return p;
  } catch (err) {
    if (!(err instanceof InvalidCredentialsError)) throw err;
    return undefined;
  }
  return (await recoveryAllows(request, db)) ? RECOVERY_PRINCIPAL : undefined;
}

/** Full administrator: a token with `*`, or a user whose roles grant admin on everything. */
export function isAdministrator(p: Principal | undefined): boolean {
  if (!p) return false;
  if (p.kind === "token") return p.scopes.includes("*");
  return p.kind === "user" && allows(p.permissions, "admin", "*");
}
