/**
 * The two cookies a browser session travels in, set the way Pulse sets them:
 * `pulse_session` (HttpOnly) and `pulse_csrf` (readable by the page, which echoes it in
 * `X-CSRF-Token`). Both live as long as the session (24 h, or 30 days with "remember
 * me"); the CSRF value itself is honoured for 4 h and re-issued after that.
 */
import { serializeCookie } from "./cookies";
import { CSRF_COOKIE, type IssuedSession, SESSION_COOKIE } from "./sessions";

export function sessionCookieHeaders(issued: IssuedSession, secure: boolean): Headers {
  const headers = new Headers();
  headers.append("Set-Cookie", serializeCookie(SESSION_COOKIE, issued.token, { maxAgeSeconds: issued.maxAgeSeconds, httpOnly: true, secure }));
  headers.append("Set-Cookie", serializeCookie(CSRF_COOKIE, issued.csrf, { maxAgeSeconds: issued.maxAgeSeconds, secure }));
  headers.set("X-CSRF-Token", issued.csrf);
  return headers;
}

export function clearedSessionCookieHeaders(secure: boolean): Headers {
  const headers = new Headers();
  headers.append("Set-Cookie", serializeCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, httpOnly: true, secure }));
  headers.append("Set-Cookie", serializeCookie(CSRF_COOKIE, "", { maxAgeSeconds: 0, secure }));
  return headers;
}

/** A JSON response carrying the given cookie headers. */
export function jsonWithHeaders(body: unknown, headers: Headers, status = 200): Response {
  headers.set("Content-Type", "application/json");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { status, headers });
}
