import { clientIp } from "@/lib/api/client-ip";
import { apiRoute } from "@/lib/api/route";
import { recordAuditEvent } from "@/lib/audit/record";
import { isSecureRequest, parseCookies } from "@/lib/auth/cookies";
import { clearedSessionCookieHeaders, jsonWithHeaders } from "@/lib/auth/session-cookies";
import { deleteSessionByToken, findSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Ends the browser session (if any) and clears both cookies; fine to call when signed out. */
export const POST = apiRoute("POST /api/logout", async ({ request }) => {
  const db = getDb();
  const token = parseCookies(request.headers.get("cookie"))[SESSION_COOKIE];
  if (token) {
    const session = await findSession(db, token);
    await deleteSessionByToken(db, token);
    if (session) {
      await recordAuditEvent(db, { event: "logout", user: session.username, ip: clientIp(request), path: "/api/logout", success: true });
    }
  }
  return jsonWithHeaders({ success: true, message: "Successfully logged out" }, clearedSessionCookieHeaders(isSecureRequest(request)));
});
