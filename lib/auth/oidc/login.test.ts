import { describe, expect, it } from "vitest";
import { testProviders, useTestDatabase } from "../../db/test-support";
import { findSession } from "../sessions";
import { assignRole, ensureBuiltInRoles, permissionsOf, upsertUser } from "../users";
import { OIDC_DEFAULTS, type OidcConfig } from "./config";
import { checkAllowLists, claimValue, completeOidcLogin, identityFromClaims, OIDC_SESSION_TTL_MS, syncGroupRoles } from "./login";

const config = (over: Partial<OidcConfig> = {}): OidcConfig => ({ ...OIDC_DEFAULTS, enabled: true, issuerUrl: "https://sso.example.com", clientId: "pulse", ...over });

describe("identityFromClaims", () => {
  it("reads Pulse's default claims", () => {
    expect(identityFromClaims({ sub: "u1", preferred_username: "alice", email: "Alice@Example.com", groups: ["ops", "ops", 7, "dev"] }, config())).toEqual({
      subject: "u1",
      username: "alice",
      email: "alice@example.com",
      emailVerified: true,
      groups: ["ops", "dev"],
    });
  });

  it("falls back from the username claim to email, then sub", () => {
    expect(identityFromClaims({ sub: "u1", email: "bob@example.com" }, config())).toMatchObject({ username: "bob@example.com" });
    expect(identityFromClaims({ sub: "u1" }, config())).toMatchObject({ username: "u1", groups: [] });
  });

  it("follows configured and dotted claim names", () => {
    const claims = { sub: "u1", upn: "carol", mail: "c@x.org", realm_access: { roles: ["pulse-admin"] }, email_verified: false };
    expect(identityFromClaims(claims, config({ usernameClaim: "upn", emailClaim: "mail", groupsClaim: "realm_access.roles" }))).toEqual({
      subject: "u1",
      username: "carol",
      email: "c@x.org",
      emailVerified: false,
      groups: ["pulse-admin"],
    });
    expect(claimValue({ "a.b": 1, a: { b: 2 } }, "a.b")).toBe(1);
    expect(identityFromClaims({ sub: "u", groups: "single" }, config())).toMatchObject({ groups: ["single"] });
  });

  it("refuses claims without a subject or with an unusable username", () => {
    expect(identityFromClaims({ preferred_username: "x" }, config())).toMatchObject({ code: "oidc_invalid_claims" });
    expect(identityFromClaims({ sub: "u", preferred_username: "a\nb" }, config())).toMatchObject({ code: "oidc_invalid_claims" });
  });
});

describe("checkAllowLists", () => {
  const who = (over = {}) => ({ subject: "u", username: "u", email: "dev@corp.example", emailVerified: true, groups: ["dev"], ...over });

  it("allows everyone when no list is set", () => {
    expect(checkAllowLists(who({ email: undefined, groups: [] }), config())).toBeUndefined();
  });

  it("needs a group in allowedGroups", () => {
    expect(checkAllowLists(who(), config({ allowedGroups: ["ops", "dev"] }))).toBeUndefined();
    expect(checkAllowLists(who(), config({ allowedGroups: ["ops"] }))).toMatch(/not in an allowed group/);
  });

  it("needs a verified email in allowedDomains / allowedEmails, every set list passing", () => {
    expect(checkAllowLists(who(), config({ allowedDomains: ["corp.example"] }))).toBeUndefined();
    expect(checkAllowLists(who(), config({ allowedDomains: ["example"] }))).toMatch(/domain/);
    expect(checkAllowLists(who({ email: "dev@evilcorp.example" }), config({ allowedDomains: ["corp.example"] }))).toMatch(/domain/);
    expect(checkAllowLists(who(), config({ allowedEmails: ["dev@corp.example"] }))).toBeUndefined();
    expect(checkAllowLists(who(), config({ allowedEmails: ["boss@corp.example"] }))).toMatch(/address not allowed/);
    expect(checkAllowLists(who({ emailVerified: false }), config({ allowedDomains: ["corp.example"] }))).toMatch(/not verified/);
    expect(checkAllowLists(who({ email: undefined }), config({ allowedEmails: ["dev@corp.example"] }))).toMatch(/no email/);
    expect(checkAllowLists(who(), config({ allowedGroups: ["dev"], allowedDomains: ["other.example"] }))).toMatch(/domain/);
  });
});

describe.each(testProviders())("OIDC login (%s)", (provider) => {
  const t = useTestDatabase(provider);
  const meta = { ip: "10.0.0.9", userAgent: "vitest" };
  const links = async (username: string) =>
    (await t.db.userRole.findMany({ where: { username }, orderBy: { roleId: "asc" } })).map((l) => `${l.roleId}:${l.source}`);

  it("syncs roles from group mappings, keeping manual ones and replacing the default", async () => {
    await ensureBuiltInRoles(t.db);
    const mapping = config({ groupRoleMappings: { ops: "operator", audit: "auditor", ghost: "no-such-role" } });

    // No mapping matched, no manual role: the default role.
    expect(await syncGroupRoles(t.db, "dave", ["nothing"], mapping)).toEqual(["admin"]);
    expect(await links("dave")).toEqual(["admin:oidc-group"]);

    // A mapping now applies: the default goes, the mapped roles come.
    expect(await syncGroupRoles(t.db, "dave", ["ops", "audit", "ghost"], mapping)).toEqual(["auditor", "operator"]);
    expect(await links("dave")).toEqual(["auditor:oidc-group", "operator:oidc-group"]);

    // Leaving a group removes what it granted; a manual assignment stays.
    await assignRole(t.db, "dave", "viewer");
    expect(await syncGroupRoles(t.db, "dave", ["ops"], mapping)).toEqual(["operator", "viewer"]);
    expect(await links("dave")).toEqual(["operator:oidc-group", "viewer:manual"]);

    // No mapping, but a manual role: no default role added.
    expect(await syncGroupRoles(t.db, "dave", [], mapping)).toEqual(["viewer"]);
    expect(await links("dave")).toEqual(["viewer:manual"]);

    // No default configured: no roles at all.
    expect(await syncGroupRoles(t.db, "erin", [], config({ defaultRole: "" }))).toEqual([]);
  });

  it("creates the SSO user and a 24 h session, and audits the login", async () => {
    const started = Date.now();
    const result = await completeOidcLogin(
      t.db,
      { sub: "s-alice", preferred_username: "alice", email: "alice@corp.example", groups: ["ops"] },
      config({ groupRoleMappings: { ops: "operator" } }),
      meta,
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result).toMatchObject({ username: "alice", roles: ["operator"] });
    expect(result.issued.maxAgeSeconds).toBe(OIDC_SESSION_TTL_MS / 1000);

    const session = await findSession(t.db, result.issued.token);
    expect(session).toMatchObject({ username: "alice", method: "oidc", data: { subject: "s-alice", email: "alice@corp.example", groups: ["ops"] } });
    expect(session!.expiresAt.getTime() - started).toBeGreaterThanOrEqual(OIDC_SESSION_TTL_MS - 5000);
    expect(session!.expiresAt.getTime() - started).toBeLessThanOrEqual(OIDC_SESSION_TTL_MS + 5000);

    const user = await t.db.user.findUnique({ where: { username: "alice" } });
    expect(user).toMatchObject({ source: "oidc", email: "alice@corp.example", passwordHash: null });
    expect(user!.lastLoginAt).toBeInstanceOf(Date);
    const audit = await t.db.auditEvent.findMany({ where: { event: "oidc_login", user: "alice" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ success: true, ip: "10.0.0.9" });
    expect(await permissionsOf(t.db, "alice")).toEqual(expect.arrayContaining([{ action: "write", resource: "alerts" }]));
  });

  it("refuses and audits users outside the allow lists", async () => {
    const result = await completeOidcLogin(t.db, { sub: "s-bob", preferred_username: "bob", groups: ["contractors"] }, config({ allowedGroups: ["ops"] }), meta);
    expect(result).toMatchObject({ ok: false, code: "oidc_not_allowed" });
    expect(await t.db.user.findUnique({ where: { username: "bob" } })).toBeNull();
    expect(await t.db.session.count({ where: { username: "bob" } })).toBe(0);
    const audit = await t.db.auditEvent.findFirst({ where: { event: "oidc_login_failed", user: "bob" } });
    expect(audit?.details).toMatch(/not in an allowed group/);
  });

  it("does not let an IdP sign in as a local or disabled user", async () => {
    await upsertUser(t.db, { username: "root", source: "local", passwordHash: "$2a$12$abcdefghijklmnopqrstuuJ1Jd0b8TnKxH9b8dD8t3z0S9P0X2yG." });
    expect(await completeOidcLogin(t.db, { sub: "s-root", preferred_username: "root" }, config(), meta)).toMatchObject({ ok: false, code: "oidc_user_conflict" });
    expect(await t.db.session.count({ where: { username: "root" } })).toBe(0);

    await upsertUser(t.db, { username: "gone", source: "oidc" });
    await t.db.user.update({ where: { username: "gone" }, data: { disabled: true } });
    expect(await completeOidcLogin(t.db, { sub: "s-gone", preferred_username: "gone" }, config(), meta)).toMatchObject({ ok: false, code: "oidc_user_disabled" });
  });
});
