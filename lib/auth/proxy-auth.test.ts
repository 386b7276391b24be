import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "../config/env";
import { type ProxyUser, resolveProxyUser } from "./proxy-auth";
import { allows } from "./roles";

const SECRET = "proxy-shared-secret-0123456789";
const PROXY_VARS = ["PROXY_AUTH_SECRET", "PROXY_AUTH_USER_HEADER", "PROXY_AUTH_ROLE_HEADER", "PROXY_AUTH_ROLE_SEPARATOR", "PROXY_AUTH_ADMIN_ROLE"];

function withEnv(vars: Record<string, string>): void {
  for (const k of PROXY_VARS) delete process.env[k];
  Object.assign(process.env, vars);
  resetEnvCache();
}

const req = (headers: Record<string, string>) => new Request("http://pulse/api/state", { headers });

afterEach(() => withEnv({}));

describe("resolveProxyUser", () => {
  it("ignores proxy headers when PROXY_AUTH_SECRET is not configured", () => {
    withEnv({});
    expect(resolveProxyUser(req({ "X-Proxy-Secret": SECRET, "X-Remote-User": "alice" }))).toBeUndefined();
  });

  it("does nothing for a request without X-Proxy-Secret", () => {
    withEnv({ PROXY_AUTH_SECRET: SECRET });
    expect(resolveProxyUser(req({ "X-Remote-User": "alice" }))).toBeUndefined();
  });

  it("refuses a wrong secret, a missing or oversized user header", () => {
    withEnv({ PROXY_AUTH_SECRET: SECRET });
    expect(resolveProxyUser(req({ "X-Proxy-Secret": "wrong", "X-Remote-User": "alice" }))).toBe("invalid");
    expect(resolveProxyUser(req({ "X-Proxy-Secret": `${SECRET}x`, "X-Remote-User": "alice" }))).toBe("invalid");
    expect(resolveProxyUser(req({ "X-Proxy-Secret": SECRET }))).toBe("invalid");
    expect(resolveProxyUser(req({ "X-Proxy-Secret": SECRET, "X-Remote-User": "   " }))).toBe("invalid");
    expect(resolveProxyUser(req({ "X-Proxy-Secret": SECRET, "X-Remote-User": "a".repeat(257) }))).toBe("invalid");
  });

  it("makes every proxy user an administrator when no role header is configured (Pulse's default)", () => {
    withEnv({ PROXY_AUTH_SECRET: SECRET });
    const user = resolveProxyUser(req({ "X-Proxy-Secret": SECRET, "X-Remote-User": " alice " }));
    expect(user).toMatchObject({ username: "alice", roles: ["admin"], isAdmin: true });
    expect(allows((user as ProxyUser).permissions, "admin", "settings")).toBe(true);
  });

  it("reads the configured user header", () => {
    withEnv({ PROXY_AUTH_SECRET: SECRET, PROXY_AUTH_USER_HEADER: "X-Forwarded-User" });
    expect(resolveProxyUser(req({ "X-Proxy-Secret": SECRET, "X-Remote-User": "alice" }))).toBe("invalid");
    expect(resolveProxyUser(req({ "X-Proxy-Secret": SECRET, "X-Forwarded-User": "carol" }))).toMatchObject({ username: "carol" });
  });

  it("maps roles from the role header: admin role, built-in roles, anything else an operator", () => {
    withEnv({ PROXY_AUTH_SECRET: SECRET, PROXY_AUTH_ROLE_HEADER: "X-Remote-Roles" });
    const headers = (roles?: string) => ({ "X-Proxy-Secret": SECRET, "X-Remote-User": "bob", ...(roles === undefined ? {} : { "X-Remote-Roles": roles }) });

    const admin = resolveProxyUser(req(headers("staff|admin")));
    expect(admin).toMatchObject({ roles: ["staff", "admin"], isAdmin: true });

    const viewer = resolveProxyUser(req(headers("viewer")));
    expect(viewer).toMatchObject({ roles: ["viewer"], isAdmin: false });
    const viewerPerms = (viewer as ProxyUser).permissions;
    expect(allows(viewerPerms, "read", "monitoring")).toBe(true);
    expect(allows(viewerPerms, "write", "settings")).toBe(false);

    const unknown = resolveProxyUser(req(headers("staff")));
    expect(unknown).toMatchObject({ roles: ["staff"], isAdmin: false });
    const operatorPerms = (unknown as ProxyUser).permissions;
    expect(allows(operatorPerms, "write", "alerts")).toBe(true);
    expect(allows(operatorPerms, "write", "settings")).toBe(false);

    // A role header configured but not sent: not an administrator.
    expect(resolveProxyUser(req(headers()))).toMatchObject({ roles: [], isAdmin: false });
  });

  it("honours a custom separator and admin role name", () => {
    withEnv({ PROXY_AUTH_SECRET: SECRET, PROXY_AUTH_ROLE_HEADER: "X-Remote-Roles", PROXY_AUTH_ROLE_SEPARATOR: ",", PROXY_AUTH_ADMIN_ROLE: "pulse-admins" });
    const base = { "X-Proxy-Secret": SECRET, "X-Remote-User": "dana" };
    expect(resolveProxyUser(req({ ...base, "X-Remote-Roles": "users, pulse-admins" }))).toMatchObject({ roles: ["users", "pulse-admins"], isAdmin: true });
    expect(resolveProxyUser(req({ ...base, "X-Remote-Roles": "admin|users" }))).toMatchObject({ isAdmin: false });
  });
});
