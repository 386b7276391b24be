/**
 * Sign-in against the real server, starting from a fresh, unconfigured install: first-run
 * setup with the bootstrap token, password login and lockout, CSRF on cookie sessions,
 * change-password, logout, the security status and recovery mode.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

const ADMIN = "admin";
const FIRST_PASSWORD = "first-password-123";
const NEW_PASSWORD = "second-password-456";
const API_TOKEN = randomBytes(32).toString("hex");

interface Cookie {
  value: string;
  attrs: string[];
}

function cookiesOf(res: Response): Record<string, Cookie> {
  const out: Record<string, Cookie> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    const i = pair.indexOf("=");
    out[pair.slice(0, i)] = { value: decodeURIComponent(pair.slice(i + 1)), attrs };
  }
  return out;
}

/** A browser-like session: the cookie to send and the CSRF token to echo. */
interface Session {
  cookie: string;
  csrf: string;
}

function sessionOf(res: Response): Session {
  const c = cookiesOf(res);
  expect(c.pulse_session?.value).toMatch(/^[0-9a-f]{64}$/);
  return { cookie: `pulse_session=${c.pulse_session.value}; pulse_csrf=${c.pulse_csrf.value}`, csrf: c.pulse_csrf.value };
}

describe("sign-in (fresh install)", () => {
  let srv: TestServer;
  let bootstrapToken: string;
  let setupSession: Session;

  // Sign-in routes are rate-limited per client address (10/min, recovery 3 per 10 min). The
  // server trusts X-Forwarded-For from loopback, so each request gets an address of its own
  // unless the test is about the address ("local" sends none: a direct loopback request).
  let lastOctet = 0;
  const nextIp = () => `198.51.${Math.floor(++lastOctet / 250)}.${lastOctet % 250}`;
  const json = (body: unknown, headers: Record<string, string> = {}, opts: { local?: boolean } = {}): RequestInit & { auth: false } => ({
    auth: false,
    method: "POST",
    headers: { "content-type": "application/json", ...(opts.local ? {} : { "X-Forwarded-For": nextIp() }), ...headers },
    body: JSON.stringify(body),
  });
  const login = (username: string, password: string, ip: string, extra: Record<string, unknown> = {}) =>
    srv.fetch("/api/login", json({ username, password, ...extra }, { "X-Forwarded-For": ip }));
  const withSession = (s: Session, init: RequestInit = {}, csrf = true): RequestInit & { auth: false } => ({
    ...init,
    auth: false,
    headers: {
      cookie: s.cookie,
      "content-type": "application/json",
      "X-Forwarded-For": nextIp(),
      ...(csrf ? { "X-CSRF-Token": s.csrf } : {}),
      ...(init.headers as Record<string, string>),
    },
  });

  beforeAll(async () => {
    srv = await startTestServer({ API_TOKENS: "" });
  });
  afterAll(() => srv?.stop());

  it("asks for first-run setup and keeps a private bootstrap token file", async () => {
    const res = await srv.fetch("/api/state", { auth: false });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "setup_required", status_code: 401 });

    const file = path.join(srv.dataDir, ".bootstrap_token");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    bootstrapToken = readFileSync(file, "utf8").trim();
    expect(bootstrapToken).toMatch(/^[0-9a-f]{48}$/);
    expect(srv.output()).toContain(bootstrapToken);

    const status = await (await srv.fetch("/api/security/status", { auth: false })).json();
    expect(status).toMatchObject({ configured: false, hasAuthentication: false, requiresSetup: true, authenticated: false, authMethods: [], exportProtected: true });
    expect(status.bootstrapTokenPath).toBe(file);
    expect(JSON.stringify(status)).not.toContain(bootstrapToken);
  });

  it("validates the bootstrap token (204) and refuses a wrong or missing one (401)", async () => {
    const byHeader = await srv.fetch("/api/security/validate-bootstrap-token", { auth: false, method: "POST", headers: { "X-Setup-Token": bootstrapToken, "X-Forwarded-For": nextIp() } });
    expect(byHeader.status).toBe(204);
    expect((await srv.fetch("/api/security/validate-bootstrap-token", json({ token: bootstrapToken }))).status).toBe(204);
    const wrong = await srv.fetch("/api/security/validate-bootstrap-token", json({ token: "0".repeat(48) }));
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe("unauthorized");
    expect((await srv.fetch("/api/security/validate-bootstrap-token", json({}))).status).toBe(401);
  });

  it("creates the administrator with the bootstrap token, signs them in and retires the token", async () => {
    const body = { username: ADMIN, password: FIRST_PASSWORD, apiToken: API_TOKEN };
    expect((await srv.fetch("/api/security/quick-setup", json(body))).status).toBe(401);
    expect((await srv.fetch("/api/security/quick-setup", json(body, { "X-Setup-Token": "f".repeat(48) }))).status).toBe(401);
    const weak = await srv.fetch("/api/security/quick-setup", json({ ...body, password: "short" }, { "X-Setup-Token": bootstrapToken }));
    expect(weak.status).toBe(400);
    expect((await weak.json()).error).toContain("at least 12");

    const res = await srv.fetch("/api/security/quick-setup", json({ ...body, setupToken: bootstrapToken }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, username: ADMIN, apiTokenConfigured: true });
    const c = cookiesOf(res);
    expect(c.pulse_session.attrs).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=86400"]));
    expect(c.pulse_session.attrs).not.toContain("Secure");
    expect(c.pulse_csrf.attrs).not.toContain("HttpOnly");
    expect(res.headers.get("x-csrf-token")).toBe(c.pulse_csrf.value);
    setupSession = sessionOf(res);

    expect(existsSync(path.join(srv.dataDir, ".bootstrap_token"))).toBe(false);
    expect((await srv.fetch("/api/state", withSession(setupSession))).status).toBe(200);
  });

  it("refuses a second setup: the bootstrap token is gone, and an admin needs force", async () => {
    const body = { username: "intruder", password: "another-password-1" };
    expect((await srv.fetch("/api/security/quick-setup", json(body, { "X-Setup-Token": bootstrapToken }))).status).toBe(401);
    const again = await srv.fetch("/api/security/quick-setup", json(body, { "X-API-Token": API_TOKEN }));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "conflict", skipped: true });
    expect((await login("intruder", "another-password-1", "10.0.0.99")).status).toBe(401);

    // An administrator may reconfigure deliberately: a second password admin, signed in at once.
    const forced = await srv.fetch("/api/security/quick-setup", json({ username: "ops", password: "ops-password-123", force: true }, { "X-API-Token": API_TOKEN }));
    expect(forced.status).toBe(200);
    expect((await srv.fetch("/api/state", withSession(sessionOf(forced)))).status).toBe(200);
    expect((await login("ops", "ops-password-123", "10.0.0.98")).status).toBe(200);
  });

  it("accepts the API token registered at setup", async () => {
    expect((await srv.fetch("/api/state", { auth: false, headers: { "X-API-Token": API_TOKEN } })).status).toBe(200);
    expect((await srv.fetch("/api/state", { auth: false, headers: { Authorization: `Bearer ${API_TOKEN}` } })).status).toBe(200);
  });

  it("logs in with a password and sets the session and CSRF cookies", async () => {
    const res = await login(ADMIN, FIRST_PASSWORD, "10.0.0.1");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, message: "Successfully logged in" });
    const c = cookiesOf(res);
    expect(c.pulse_session.attrs).toEqual(expect.arrayContaining(["HttpOnly", "Max-Age=86400"]));
    expect(c.pulse_csrf.attrs).toContain("Max-Age=86400");
    expect(res.headers.get("x-csrf-token")).toBe(c.pulse_csrf.value);

    const remembered = await login(ADMIN, FIRST_PASSWORD, "10.0.0.1", { rememberMe: true });
    expect(cookiesOf(remembered).pulse_session.attrs).toContain(`Max-Age=${30 * 24 * 3600}`);
    expect(cookiesOf(remembered).pulse_csrf.attrs).toContain(`Max-Age=${30 * 24 * 3600}`);

    const secure = await srv.fetch("/api/login", json({ username: ADMIN, password: FIRST_PASSWORD }, { "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1" }));
    expect(cookiesOf(secure).pulse_session.attrs).toContain("Secure");

    const bad = await login(ADMIN, "wrong-password-000", "10.0.0.1");
    expect(bad.status).toBe(401);
    const body = await bad.json();
    expect(body).toMatchObject({ error: "invalid_credentials", code: "invalid_credentials", attempts: 1, remaining: 4, maxAttempts: 5, status_code: 401 });
    expect(typeof body.message).toBe("string");
    expect(typeof body.timestamp).toBe("number");
    expect(body.locked).toBeUndefined();
  });

  it("locks a username and an address after 5 failures; an admin lifts each", async () => {
    // A success clears the username's earlier failure, so the count below starts at zero.
    expect((await login(ADMIN, FIRST_PASSWORD, "10.0.0.8")).status).toBe(200);
    const ip = "10.0.0.2";
    const remaining: number[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 5; i++) {
      const res = await login(ADMIN, `wrong-password-${i}`, ip);
      expect(res.status).toBe(401);
      last = await res.json();
      remaining.push(last.remaining as number);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect(last).toMatchObject({ locked: true, lockoutDuration: "15 minutes", attempts: 5 });

    const locked = await login(ADMIN, FIRST_PASSWORD, ip);
    expect(locked.status).toBe(403);
    const lb = await locked.json();
    expect(lb).toMatchObject({ error: "account_locked", code: "account_locked", remainingMinutes: 15 });
    expect(lb.lockedUntil).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const minutes = (Date.parse(lb.lockedUntil) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);

    // The username is locked from everywhere, the address for every username.
    expect((await login(ADMIN, FIRST_PASSWORD, "10.0.0.3")).status).toBe(403);
    expect((await login("someone-else", "whatever-password", ip)).status).toBe(403);

    const reset = (identifier: string, headers: Record<string, string> = { "X-API-Token": API_TOKEN }) =>
      srv.fetch("/api/security/reset-lockout", json({ identifier }, headers));
    expect((await reset(ADMIN, {})).status).toBe(401);
    const r = await reset(ADMIN);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ success: true });
    expect((await login(ADMIN, FIRST_PASSWORD, "10.0.0.3")).status).toBe(200);
    expect((await login(ADMIN, FIRST_PASSWORD, ip)).status).toBe(403);
    expect((await reset(ip)).status).toBe(200);
    expect((await login(ADMIN, FIRST_PASSWORD, ip)).status).toBe(200);
  });

  it("refuses a huge password fast without touching it, and an oversized one as a failure", async () => {
    const huge = await srv.fetch("/api/login", json({ username: ADMIN, password: "p".repeat(1024 * 1024) }, { "X-Forwarded-For": "10.0.0.4" }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).code).toBe("payload_too_large");
    const long = await login(ADMIN, "p".repeat(4000), "10.0.0.4");
    expect(long.status).toBe(401);
    expect((await long.json()).remaining).toBe(4);
  });

  it("requires X-CSRF-Token on cookie-session writes, and hands out a fresh one when it is missing", async () => {
    const body = JSON.stringify({ identifier: "10.9.9.9" });
    const refused = await srv.fetch("/api/security/reset-lockout", withSession(setupSession, { method: "POST", body }, false));
    expect(refused.status).toBe(403);
    expect((await refused.json()).code).toBe("csrf_invalid");
    const fresh = refused.headers.get("x-csrf-token");
    expect(fresh).toBeTruthy();
    expect(cookiesOf(refused).pulse_csrf.value).toBe(fresh);
    setupSession = { ...setupSession, csrf: fresh! };

    const ok = await srv.fetch("/api/security/reset-lockout", withSession(setupSession, { method: "POST", body }));
    expect(ok.status).toBe(200);
    // API tokens need no CSRF token.
    expect((await srv.fetch("/api/security/reset-lockout", json({ identifier: "x" }, { "X-API-Token": API_TOKEN }))).status).toBe(200);
  });

  it("changes the password: other sessions end, this one stays", async () => {
    const other = sessionOf(await login(ADMIN, FIRST_PASSWORD, "10.0.0.5"));
    expect((await srv.fetch("/api/state", withSession(other))).status).toBe(200);

    const change = (s: Session | undefined, body: unknown, headers: Record<string, string> = {}) =>
      srv.fetch("/api/security/change-password", s ? withSession(s, { method: "POST", body: JSON.stringify(body) }) : json(body, headers));
    const byToken = await change(undefined, { currentPassword: FIRST_PASSWORD, newPassword: NEW_PASSWORD }, { "X-API-Token": API_TOKEN });
    expect(byToken.status).toBe(403);
    expect((await byToken.json()).error).toMatch(/password/i);
    expect((await change(undefined, { currentPassword: FIRST_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(401);
    expect((await change(setupSession, { currentPassword: FIRST_PASSWORD, newPassword: "too-short" })).status).toBe(400);
    const wrong = await change(setupSession, { currentPassword: "not-the-password", newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe("invalid_credentials");

    const ok = await change(setupSession, { currentPassword: FIRST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ success: true });

    expect((await srv.fetch("/api/state", withSession(other))).status).toBe(401);
    expect((await srv.fetch("/api/state", withSession(setupSession))).status).toBe(200);
    expect((await login(ADMIN, FIRST_PASSWORD, "10.0.0.6")).status).toBe(401);
    expect((await login(ADMIN, NEW_PASSWORD, "10.0.0.6")).status).toBe(200);
  });

  it("reports the security posture, and who is signed in, without secrets", async () => {
    const anon = await (await srv.fetch("/api/security/status", { auth: false })).json();
    expect(anon).toMatchObject({
      configured: true,
      hasAuthentication: true,
      requiresSetup: false,
      apiTokenConfigured: true,
      oidcEnabled: false,
      proxyAuthEnabled: false,
      hideLocalLogin: false,
      exportProtected: true,
      httpsEnabled: false,
      authenticated: false,
    });
    expect(anon.authMethods).toEqual(["password", "token"]);
    expect(anon.username).toBeUndefined();
    expect(anon.bootstrapTokenPath).toBeUndefined();

    const mine = await (await srv.fetch("/api/security/status", withSession(setupSession))).json();
    expect(mine).toMatchObject({ authenticated: true, username: ADMIN });
    const viaToken = await (await srv.fetch("/api/security/status", { auth: false, headers: { "X-API-Token": API_TOKEN } })).json();
    expect(viaToken).toMatchObject({ authenticated: true, tokenScopes: ["*"] });
    // A query-string token is not checked here (no token oracle on a public route).
    const viaQuery = await (await srv.fetch(`/api/security/status?token=${API_TOKEN}`, { auth: false })).json();
    expect(viaQuery.authenticated).toBe(false);
    const https = await (await srv.fetch("/api/security/status", { auth: false, headers: { "X-Forwarded-Proto": "https" } })).json();
    expect(https.httpsEnabled).toBe(true);
    for (const s of [anon, mine, viaToken]) expect(JSON.stringify(s)).not.toContain(API_TOKEN);
  });

  it("logs out: the session ends and both cookies are cleared; fine without a session too", async () => {
    const s = sessionOf(await login(ADMIN, NEW_PASSWORD, "10.0.0.7"));
    const res = await srv.fetch("/api/logout", withSession(s, { method: "POST" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true });
    const c = cookiesOf(res);
    expect(c.pulse_session).toMatchObject({ value: "" });
    expect(c.pulse_session.attrs).toContain("Max-Age=0");
    expect(c.pulse_csrf.attrs).toContain("Max-Age=0");
    expect((await srv.fetch("/api/state", withSession(s))).status).toBe(401);
    expect((await srv.fetch("/api/logout", { auth: false, method: "POST" })).status).toBe(200);
  });

  it("recovery: a localhost-only token switches auth off for localhost, and back on", async () => {
    // Generating a token must be a direct local request; using one works from anywhere.
    const recovery = (body: unknown, headers: Record<string, string> = {}) => srv.fetch("/api/security/recovery", json(body, headers));
    const generateLocally = () => srv.fetch("/api/security/recovery", json({ action: "generate_token" }, {}, { local: true }));
    const remote = { "X-Forwarded-For": "203.0.113.7" };

    expect(await (await srv.fetch("/api/security/recovery", { auth: false })).json()).toMatchObject({ recovery_mode: false });
    expect((await srv.fetch("/api/security/recovery", { auth: false, headers: remote })).status).toBe(403);
    expect((await recovery({ action: "generate_token" })).status).toBe(403);
    expect((await recovery({ action: "bogus" })).status).toBe(400);

    const gen = await generateLocally();
    expect(gen.status).toBe(200);
    const g = await gen.json();
    expect(g).toMatchObject({ success: true, expires_in_minutes: 60 });
    expect(g.token).toMatch(/^[0-9a-f]{64}$/);

    expect((await recovery({ action: "disable_auth", token: "0".repeat(64) })).status).toBe(401);
    expect((await recovery({ action: "disable_auth" })).status).toBe(401);
    const off = await recovery({ action: "disable_auth", token: g.token });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ success: true, recoveryMode: true });

    // Local requests need no credentials now; anything relayed from elsewhere still does.
    expect((await srv.fetch("/api/state", { auth: false })).status).toBe(200);
    expect((await srv.fetch("/api/config/nodes", { auth: false })).status).toBe(200);
    expect((await srv.fetch("/api/state", { auth: false, headers: remote })).status).toBe(401);
    expect(await (await srv.fetch("/api/security/recovery", { auth: false })).json()).toMatchObject({ recovery_mode: true });
    // The token was for one use.
    expect((await recovery({ action: "enable_auth", token: g.token })).status).toBe(401);

    const second = await (await generateLocally()).json();
    const on = await recovery({ action: "enable_auth" }, { "X-Recovery-Token": second.token });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ success: true, recoveryMode: false });
    expect((await srv.fetch("/api/state", { auth: false })).status).toBe(401);
  });
});
