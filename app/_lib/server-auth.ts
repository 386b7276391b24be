/**
 * Sign-in state for server-rendered pages: the page request's cookies and client address
 * turned into a Request the auth library understands.
 */
import { cookies, headers } from "next/headers";
import { optionalPrincipal } from "@/lib/auth/caller";
import type { Principal } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";

/** Headers the principal depends on: the session cookie, and the address recovery mode checks. */
const FORWARDED = ["x-pulse-client-ip", "x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-proto"];

export async function pageRequest(path: string): Promise<Request> {
  const incoming = await headers();
  const h = new Headers({ cookie: (await cookies()).toString() });
  for (const name of FORWARDED) {
    const v = incoming.get(name);
    if (v) h.set(name, v);
  }
  return new Request(`http://local${path}`, { headers: h });
}

/** The signed-in principal of this page request, if any. */
export async function pagePrincipal(): Promise<Principal | undefined> {
  return optionalPrincipal(await pageRequest("/"), getDb());
}
