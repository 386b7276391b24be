import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

const SECRET = "proxy-shared-secret-0123456789";

/** Proxy authentication through the real server: the headers a reverse proxy would send. */
describe("proxy authentication", () => {
  let srv: TestServer;

  beforeAll(async () => {
    srv = await startTestServer({ PROXY_AUTH_SECRET: SECRET, PROXY_AUTH_USER_HEADER: "X-Remote-User", PROXY_AUTH_ROLE_HEADER: "X-Remote-Roles" });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  const asProxy = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    srv.fetch(path, { ...init, auth: false, headers: { "X-Proxy-Secret": SECRET, ...headers, ...(init.headers as Record<string, string>) } });

  it("accepts the right secret with a user header", async () => {
    const res = await asProxy("/api/state", { "X-Remote-User": "alice", "X-Remote-Roles": "viewer" });
    expect(res.status).toBe(200);
    expect(Array.isArray((await res.json()).nodes)).toBe(true);
  });

  it("refuses a wrong secret, or the right one without a user, with 401", async () => {
    const wrong = await srv.fetch("/api/state", { auth: false, headers: { "X-Proxy-Secret": "not-the-secret-at-all", "X-Remote-User": "alice", "X-Remote-Roles": "admin" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "unauthorized", status_code: 401 });
    const noUser = await asProxy("/api/state", { "X-Remote-Roles": "admin" });
    expect(noUser.status).toBe(401);
    // Without the secret header the user header means nothing.
    expect((await srv.fetch("/api/state", { auth: false, headers: { "X-Remote-User": "alice" } })).status).toBe(401);
  });

  it("refuses admin routes to a proxy user without the admin role", async () => {
    for (const roles of ["viewer", "operator|staff"]) {
      const res = await asProxy("/api/security/oidc", { "X-Remote-User": "bob", "X-Remote-Roles": roles });
      expect(res.status).toBe(403);
      expect((await res.json()).code).toBe("forbidden");
    }
    const write = await asProxy(
      "/api/system/mock-mode",
      { "X-Remote-User": "bob", "X-Remote-Roles": "viewer", "content-type": "application/json" },
      { method: "POST", body: JSON.stringify({ enabled: false }) },
    );
    expect(write.status).toBe(403);
  });

  it("lets a proxy user with the admin role administer", async () => {
    const read = await asProxy("/api/security/oidc", { "X-Remote-User": "carol", "X-Remote-Roles": "users|admin" });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ enabled: false, clientSecretSet: false });
    // No session cookie, so no CSRF token is needed for a write.
    const write = await asProxy(
      "/api/security/oidc",
      { "X-Remote-User": "carol", "X-Remote-Roles": "admin", "content-type": "application/json" },
      { method: "POST", body: JSON.stringify({ hideLocalLogin: false }) },
    );
    expect(write.status).toBe(200);
  });
});
