import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { certificateFor } from "../../sim/tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestServer, type TestServer } from "../helpers/server";
import { type IdpUser, startOidcProvider, type TestIdp } from "../support/oidc-provider";
import { CookieJar, followSignIn, request } from "../support/sso-client";

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { "content-type": "application/json" } });

function query<T>(srv: TestServer, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(srv.dataDir, "pulse.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe("OIDC settings API", () => {
  let srv: TestServer;
  const SECRET = "idp-client-secret-7f3a9c1e";

  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it("needs an administrator", async () => {
    expect((await srv.fetch("/api/security/oidc", { auth: false })).status).toBe(401);
    expect((await srv.fetch("/api/security/oidc", { ...json("POST", { enabled: false }), auth: false })).status).toBe(401);
  });

  it("returns Pulse's defaults and the callback URL to register at the IdP", async () => {
    const res = await srv.fetch("/api/security/oidc");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      enabled: false,
      issuerUrl: "",
      clientId: "",
      redirectUrl: "",
      scopes: "openid profile email",
      usernameClaim: "preferred_username",
      emailClaim: "email",
      groupsClaim: "groups",
      allowedGroups: [],
      allowedDomains: [],
      allowedEmails: [],
      groupRoleMappings: {},
      defaultRole: "admin",
      hideLocalLogin: false,
      caBundle: "",
      clientSecretSet: false,
      defaultRedirectUrl: `${srv.url}/api/oidc/callback`,
      envOverrides: [],
    });
  });

  it("refuses bad input with 400 and a readable message", async () => {
    const cases: [unknown, RegExp][] = [
      [{ issuerUrl: "not a url" }, /issuerUrl: must be an http\(s\) URL/],
      [{ issuerUrl: "ftp://sso.example.com" }, /issuerUrl/],
      [{ redirectUrl: "https://pulse.example.com/somewhere" }, /redirectUrl: must be an http\(s\) URL ending in \/api\/oidc\/callback/],
      [{ enabled: true }, /issuerUrl and clientId are required/],
      [{ groupRoleMappings: { ops: "superuser" } }, /unknown role "superuser"/],
      [{ allowedGroups: 5 }, /allowedGroups/],
    ];
    for (const [body, message] of cases) {
      const res = await srv.fetch("/api/security/oidc", json("POST", body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = await res.json();
      expect(err).toMatchObject({ code: "validation_failed", status_code: 400 });
      expect(err.error).toMatch(message);
    }
    const notJson = await srv.fetch("/api/security/oidc", { method: "POST", body: "{", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).code).toBe("invalid_json");
    expect((await (await srv.fetch("/api/security/oidc")).json()).enabled).toBe(false);
  });

  it("saves the settings, never returns the client secret and stores it encrypted", async () => {
    const res = await srv.fetch(
      "/api/security/oidc",
      json("POST", {
        enabled: true,
        issuerUrl: "https://sso.example.com/realms/main",
        clientId: "pulse",
        clientSecret: SECRET,
        allowedGroups: ["pulse-admins", "pulse-viewers"],
        groupRoleMappings: { "pulse-viewers": "viewer" },
        hideLocalLogin: true,
      }),
    );
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ enabled: true, clientId: "pulse", clientSecretSet: true, hideLocalLogin: true, groupRoleMappings: { "pulse-viewers": "viewer" } });
    const again = await (await srv.fetch("/api/security/oidc")).text();
    expect(again).not.toContain(SECRET);
    expect(JSON.parse(again).clientSecretSet).toBe(true);

    // Not in the database file (nor its WAL) in clear; stored as AES-GCM ciphertext.
    const file = path.join(srv.dataDir, "pulse.db");
    const raw = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString("latin1")).join("");
    expect(raw).not.toContain(SECRET);
    const [row] = query<{ value: string }>(srv, "SELECT value FROM settings WHERE key = 'oidc'");
    expect(JSON.parse(row.value).clientSecretEnc).toMatch(/^v1:[A-Za-z0-9+/=]+$/);

    // A form posting the settings back without the secret keeps it.
    const keep = await srv.fetch("/api/security/oidc", json("POST", { clientId: "pulse", clientSecret: "" }));
    expect((await keep.json()).clientSecretSet).toBe(true);

    const audit = query<{ details: string; user: string }>(srv, "SELECT details, user FROM audit_events WHERE event = 'oidc_config_changed' ORDER BY timestamp");
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit[0].details).toMatch(/clientSecret/);
    expect(audit[0].user).toMatch(/^token:/);
  });

  it("answers sign-in with a redirect to the login page while SSO is off", async () => {
    await srv.fetch("/api/security/oidc", json("POST", { enabled: false }));
    const res = await srv.fetch("/api/oidc/login", { auth: false, redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?error=oidc_disabled");
  });
});

describe("OIDC settings from the environment", () => {
  let srv: TestServer;
  const ENV_SECRET = "env-client-secret-51d2e";

  beforeAll(async () => {
    srv = await startTestServer({
      OIDC_ISSUER_URL: "https://sso.example.com/realms/env",
      OIDC_CLIENT_ID: "env-client",
      OIDC_CLIENT_SECRET: ENV_SECRET,
      OIDC_ALLOWED_GROUPS: "ops, dev",
    });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it("reports the fields the environment sets, still without the secret", async () => {
    const text = await (await srv.fetch("/api/security/oidc")).text();
    expect(text).not.toContain(ENV_SECRET);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ enabled: true, issuerUrl: "https://sso.example.com/realms/env", clientId: "env-client", clientSecretSet: true, allowedGroups: ["ops", "dev"] });
    expect([...body.envOverrides].sort()).toEqual(["allowedGroups", "clientId", "clientSecret", "enabled", "issuerUrl"]);
  });

  it("refuses to change a locked field, accepts it unchanged and changes the others", async () => {
    const locked = await srv.fetch("/api/security/oidc", json("POST", { clientId: "other-client" }));
    expect(locked.status).toBe(400);
    expect(await locked.json()).toMatchObject({ code: "bad_request", field: "clientId", envVar: "OIDC_CLIENT_ID", error: expect.stringMatching(/OIDC_CLIENT_ID/) });
    for (const body of [{ clientSecret: "new-secret" }, { allowedGroups: ["ops"] }, { enabled: false }]) {
      expect((await srv.fetch("/api/security/oidc", json("POST", body))).status, JSON.stringify(body)).toBe(400);
    }

    const same = await srv.fetch("/api/security/oidc", json("POST", { clientId: "env-client", allowedGroups: ["dev", "ops"], defaultRole: "viewer" }));
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ clientId: "env-client", defaultRole: "viewer" });
  });
});

describe("OIDC sign-in against a real provider", () => {
  let srv: TestServer;
  let idp: TestIdp;
  const CLIENT_SECRET = "idp-client-secret-for-pulse";
  const users: IdpUser[] = [
    { username: "alice", password: "alice-pw", email: "alice@corp.example", groups: ["pulse-admins", "staff"] },
    { username: "victor", password: "victor-pw", email: "victor@corp.example", groups: ["pulse-viewers"] },
    { username: "bob", password: "bob-pw", email: "bob@contractor.example", groups: ["contractors"] },
    { username: "admin", password: "admin-pw", email: "admin@corp.example", groups: ["pulse-admins"] },
  ];

  beforeAll(async () => {
    srv = await startTestServer({ PULSE_AUTH_USER: "admin", PULSE_AUTH_PASS: "local-admin-password-1" });
    const callback = `${srv.url}/api/oidc/callback`;
    idp = await startOidcProvider({
      clients: [
        { clientId: "pulse", clientSecret: CLIENT_SECRET, redirectUris: [callback] },
        { clientId: "pulse-public", redirectUris: [callback] },
      ],
      users,
    });
    const res = await srv.fetch(
      "/api/security/oidc",
      json("POST", {
        enabled: true,
        issuerUrl: idp.issuer,
        clientId: "pulse",
        clientSecret: CLIENT_SECRET,
        allowedGroups: ["pulse-admins", "pulse-viewers"],
        groupRoleMappings: { "pulse-admins": "admin", "pulse-viewers": "viewer" },
      }),
    );
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await idp?.stop();
    await srv?.stop();
  });

  const onPulsePage = (u: string) => u.startsWith(srv.url) && !new URL(u).pathname.startsWith("/api/");
  // Sign-in routes allow 10 requests a minute per address: each walk comes from its own
  // address (Pulse trusts X-Forwarded-For from a loopback peer, as from a local proxy).
  let clients = 0;
  const client = () => ({ "X-Forwarded-For": `198.51.100.${++clients}` });
  const signIn = async (username: string, opts: { returnTo?: string; password?: string } = {}) => {
    const jar = new CookieJar();
    const start = `${srv.url}/api/oidc/login${opts.returnTo !== undefined ? `?returnTo=${encodeURIComponent(opts.returnTo)}` : ""}`;
    const password = opts.password ?? users.find((u) => u.username === username)!.password;
    const result = await followSignIn(jar, start, { username, password }, { stopAt: onPulsePage, headers: client() });
    return { jar, ...result };
  };
  const withSession = (jar: CookieJar, pathname: string, init: RequestInit = {}) => {
    const url = `${srv.url}${pathname}`;
    const headers = new Headers(init.headers);
    headers.set("cookie", jar.header(url));
    if (init.method && init.method !== "GET") headers.set("X-CSRF-Token", jar.get(url, "pulse_csrf") ?? "");
    return fetch(url, { ...init, headers });
  };

  it("starts the flow with state, nonce and PKCE (S256) towards Pulse's callback", async () => {
    const res = await request(new CookieJar(), `${srv.url}/api/oidc/login?returnTo=/nodes`, { headers: client() });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("location")!);
    expect(to.origin).toBe(idp.issuer);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      client_id: "pulse",
      response_type: "code",
      scope: "openid profile email",
      redirect_uri: `${srv.url}/api/oidc/callback`,
      code_challenge_method: "S256",
      state: expect.stringMatching(/^[\w-]{32,}$/),
      nonce: expect.stringMatching(/^[\w-]{32,}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });
    const cookies = res.headers.getSetCookie();
    for (const name of ["pulse_oidc_state", "pulse_oidc_pkce", "pulse_oidc_nonce"]) {
      const line = cookies.find((c) => c.startsWith(`${name}=`));
      expect(line, name).toBeDefined();
      expect(line).toMatch(/HttpOnly/i);
      expect(line).toMatch(/Path=\/api\/oidc/);
      expect(line).toMatch(/Max-Age=600/);
    }
    // The code verifier itself never travels in clear.
    expect(cookies.join("\n")).not.toContain(to.searchParams.get("code_challenge")!);
  });

  it("signs a mapped admin in: Pulse session cookies, back to returnTo with ?oidc=success", async () => {
    const { jar, finalUrl, hops } = await signIn("alice", { returnTo: "/nodes?view=all" });
    expect(finalUrl).toBe(`${srv.url}/nodes?view=all&oidc=success`);
    expect(idp.logins).toContain("alice");
    expect(hops.some((h) => h.url.startsWith(`${srv.url}/api/oidc/callback?code=`))).toBe(true);

    expect(jar.get(srv.url, "pulse_session")).toMatch(/^[0-9a-f]{64}$/);
    expect(jar.get(srv.url, "pulse_csrf")).toBeTruthy();
    // The flow cookies are gone and next-auth left no session of its own.
    for (const name of ["pulse_oidc_state", "pulse_oidc_pkce", "pulse_oidc_nonce", "pulse_oidc_return", "pulse_oidc_csrf", "pulse_oidc_nextauth"]) {
      expect(jar.get(`${srv.url}/api/oidc/callback`, name), name).toBeUndefined();
    }
    expect(jar.header(`${srv.url}/api/oidc/callback`)).not.toMatch(/next-auth/);

    expect((await withSession(jar, "/api/state")).status).toBe(200);
    expect((await withSession(jar, "/api/security/oidc")).status).toBe(200);

    expect(query(srv, "SELECT username, email, source FROM users WHERE username = 'alice'")).toEqual([{ username: "alice", email: "alice@corp.example", source: "oidc" }]);
    expect(query(srv, "SELECT role_id, source FROM user_roles WHERE username = 'alice'")).toEqual([{ role_id: "admin", source: "oidc-group" }]);
    const [session] = query<{ method: string; created_at: number | string; expires_at: number | string }>(srv, "SELECT method, created_at, expires_at FROM sessions WHERE username = 'alice'");
    expect(session.method).toBe("oidc");
    const ms = (v: number | string) => (typeof v === "number" ? v : Date.parse(v));
    const lifetime = ms(session.expires_at) - ms(session.created_at);
    expect(lifetime).toBeGreaterThan(23.9 * 3600_000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600_000 + 1000);
    expect(query(srv, "SELECT success FROM audit_events WHERE event = 'oidc_login' AND user = 'alice'")).toEqual([{ success: 1 }]);
  });

  it("gives a mapped viewer read access but refuses settings writes", async () => {
    const { jar, finalUrl } = await signIn("victor");
    expect(finalUrl).toBe(`${srv.url}/?oidc=success`);
    expect((await withSession(jar, "/api/state")).status).toBe(200);
    const write = await withSession(jar, "/api/config/nodes", json("POST", { type: "pve", name: "x", host: "https://10.0.0.1:8006" }));
    expect(write.status).toBe(403);
    expect((await write.json()).code).toBe("forbidden");
    expect((await withSession(jar, "/api/security/oidc")).status).toBe(403);
    expect(query(srv, "SELECT role_id FROM user_roles WHERE username = 'victor'")).toEqual([{ role_id: "viewer" }]);
  });

  it("refuses a user outside the allowed groups, and audits it", async () => {
    const { jar, finalUrl } = await signIn("bob");
    expect(finalUrl).toBe(`${srv.url}/login?error=oidc_not_allowed`);
    expect(jar.get(srv.url, "pulse_session")).toBeUndefined();
    expect(query(srv, "SELECT COUNT(*) AS n FROM sessions WHERE username = 'bob'")).toEqual([{ n: 0 }]);
    const [audit] = query<{ details: string }>(srv, "SELECT details FROM audit_events WHERE event = 'oidc_login_failed' AND user = 'bob'");
    expect(audit.details).toMatch(/not in an allowed group/);
  });

  it("does not let the IdP sign in as the local administrator", async () => {
    const { finalUrl } = await signIn("admin");
    expect(finalUrl).toBe(`${srv.url}/login?error=oidc_user_conflict`);
    expect(query(srv, "SELECT source FROM users WHERE username = 'admin'")).toEqual([{ source: "env" }]);
  });

  it("refuses a callback with a tampered state, a replayed one and one without the browser's cookies", async () => {
    const stopAtCallback = (u: string) => u.startsWith(`${srv.url}/api/oidc/callback`);
    const run = async () => {
      const jar = new CookieJar();
      const headers = client();
      const { finalUrl } = await followSignIn(jar, `${srv.url}/api/oidc/login`, { username: "alice", password: "alice-pw" }, { stopAt: stopAtCallback, headers });
      return { jar, callback: finalUrl, headers };
    };

    const tampered = await run();
    const bad = new URL(tampered.callback);
    bad.searchParams.set("state", `${bad.searchParams.get("state")}x`);
    const refused = await request(tampered.jar, bad.href, { headers: tampered.headers });
    expect(refused.headers.get("location")).toBe("/login?error=oidc_failed");
    expect(tampered.jar.get(srv.url, "pulse_session")).toBeUndefined();

    const stolen = await run();
    const elsewhere = await request(new CookieJar(), stolen.callback, { headers: client() });
    expect(elsewhere.headers.get("location")).toBe("/login?error=oidc_failed");

    const replayed = await run();
    const first = await request(replayed.jar, replayed.callback, { headers: replayed.headers });
    expect(first.headers.get("location")).toBe("/?oidc=success");
    const again = await request(new CookieJar(), replayed.callback, { headers: client() });
    expect(again.headers.get("location")).toBe("/login?error=oidc_failed");
    const sameBrowser = await request(replayed.jar, replayed.callback, { headers: replayed.headers });
    expect(sameBrowser.headers.get("location")).toBe("/login?error=oidc_failed");

    const details = query<{ details: string }>(srv, "SELECT details FROM audit_events WHERE event = 'oidc_login_failed' AND user IS NULL");
    expect(details.length).toBeGreaterThanOrEqual(4);
  });

  it("reports an error answer from the IdP as denied", async () => {
    const res = await request(new CookieJar(), `${srv.url}/api/oidc/callback?error=access_denied&error_description=cancelled`, { headers: client() });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?error=oidc_denied");
  });

  it("returns only to paths on this server", async () => {
    for (const returnTo of ["//evil.example/steal", "https://evil.example/", "/\\evil.example"]) {
      const { finalUrl } = await signIn("alice", { returnTo });
      expect(finalUrl, returnTo).toBe(`${srv.url}/?oidc=success`);
    }
  });

  it("refuses tokens from an issuer other than the configured one", async () => {
    await srv.fetch("/api/security/oidc", json("POST", { issuerUrl: `${idp.issuer}/mirror` }));
    try {
      const { finalUrl } = await signIn("alice");
      expect(finalUrl).toBe(`${srv.url}/login?error=oidc_failed`);
      const [audit] = query<{ details: string }>(srv, "SELECT details FROM audit_events WHERE event = 'oidc_login_failed' AND details LIKE '%discovered issuer%'");
      expect(audit.details).toContain(`is not the configured ${idp.issuer}/mirror`);
    } finally {
      await srv.fetch("/api/security/oidc", json("POST", { issuerUrl: `${idp.issuer}/` }));
    }
    // A trailing slash on the configured issuer is the same issuer.
    expect((await signIn("alice")).finalUrl).toBe(`${srv.url}/?oidc=success`);
  });

  it("works as a public client with PKCE alone", async () => {
    const res = await srv.fetch("/api/security/oidc", json("POST", { clientId: "pulse-public", clearClientSecret: true }));
    expect((await res.json()).clientSecretSet).toBe(false);
    const { jar, finalUrl } = await signIn("victor");
    expect(finalUrl).toBe(`${srv.url}/?oidc=success`);
    expect((await withSession(jar, "/api/state")).status).toBe(200);
  });

  it("sends the browser back to the login page when the IdP cannot be reached", async () => {
    await srv.fetch("/api/security/oidc", json("POST", { issuerUrl: `http://127.0.0.1:${await freePort()}` }));
    const res = await request(new CookieJar(), `${srv.url}/api/oidc/login`, { headers: client() });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?error=oidc_unavailable");
    const [audit] = query<{ details: string }>(srv, "SELECT details FROM audit_events WHERE event = 'oidc_login_failed' AND path = '/api/oidc/login'");
    expect(audit.details).toMatch(/Could not start SSO/);
  });
});

describe("OIDC with an IdP behind a private CA", () => {
  let srv: TestServer;
  let idp: TestIdp;
  let caFile: string;
  let clients = 0;
  const client = () => ({ "X-Forwarded-For": `203.0.113.${++clients}` });

  beforeAll(async () => {
    srv = await startTestServer();
    const tls = await certificateFor("idp.test", "127.0.0.1");
    caFile = path.join(srv.dataDir, "idp-ca.pem");
    writeFileSync(caFile, tls.cert);
    idp = await startOidcProvider({
      clients: [{ clientId: "pulse", clientSecret: "tls-client-secret", redirectUris: [`${srv.url}/api/oidc/callback`] }],
      users: [{ username: "tina", password: "tina-pw", email: "tina@corp.example", groups: [] }],
      tls,
    });
    const res = await srv.fetch("/api/security/oidc", json("POST", { enabled: true, issuerUrl: idp.issuer, clientId: "pulse", clientSecret: "tls-client-secret" }));
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await idp?.stop();
    await srv?.stop();
  });

  // The walk talks to the IdP too, trusting its certificate as the user's browser would.
  const signIn = async () => {
    const jar = new CookieJar();
    const { finalUrl } = await followSignIn(jar, `${srv.url}/api/oidc/login`, { username: "tina", password: "tina-pw" }, {
      stopAt: (u) => u.startsWith(srv.url) && !new URL(u).pathname.startsWith("/api/"),
      headers: client(),
      ca: readFileSync(caFile, "utf8"),
    });
    return finalUrl;
  };
  it("does not trust the IdP's certificate without the bundle", async () => {
    expect(idp.issuer).toMatch(/^https:/);
    const res = await request(new CookieJar(), `${srv.url}/api/oidc/login`, { headers: client() });
    expect(res.headers.get("location")).toBe("/login?error=oidc_unavailable");
  });

  it("signs in once the CA bundle (a file, or PEM text) is configured, and stops trusting it when removed", async () => {
    expect((await srv.fetch("/api/security/oidc", json("POST", { caBundle: caFile }))).status).toBe(200);
    expect(await signIn()).toBe(`${srv.url}/?oidc=success`);

    expect((await srv.fetch("/api/security/oidc", json("POST", { caBundle: readFileSync(caFile, "utf8") }))).status).toBe(200);
    expect(await signIn()).toBe(`${srv.url}/?oidc=success`);

    expect((await srv.fetch("/api/security/oidc", json("POST", { caBundle: "" }))).status).toBe(200);
    const res = await request(new CookieJar(), `${srv.url}/api/oidc/login`, { headers: client() });
    expect(res.headers.get("location")).toBe("/login?error=oidc_unavailable");
  });

  it("refuses a bundle that holds no certificate", async () => {
    const res = await srv.fetch("/api/security/oidc", json("POST", { caBundle: "-----BEGIN NONSENSE-----" }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/caBundle/);
  });
});
