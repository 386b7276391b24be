import { describe, expect, it } from "vitest";
import { loadEnv } from "../../config/env";
import { getSetting } from "../../db/settings";
import { testProviders, useTestDatabase } from "../../db/test-support";
import { ensureBuiltInRoles } from "../users";
import { OIDC_SETTINGS_KEY } from "../setup";
import { loadOidcConfig, OIDC_DEFAULTS, OidcUpdateSchema, oidcEnvOverrides, oidcReadiness, oidcRedirectUri, publicOidcConfig, saveOidcConfig } from "./config";
import { refusal } from "../../api/testing";

const envOf = (vars: Record<string, string>) => loadEnv(vars as NodeJS.ProcessEnv);
const noEnv = envOf({});

describe("OIDC update schema", () => {
  const errors = (body: unknown) => {
    const r = OidcUpdateSchema.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
  };

  it("accepts Pulse's fields", () => {
    expect(errors({ enabled: true, issuerUrl: "https://sso.example.com/realms/main", clientId: "pulse", scopes: ["openid", "email"], allowedGroups: "a, b" })).toEqual([]);
  });

  it("refuses issuer URLs that are not http(s), carry a query or credentials", () => {
    for (const issuerUrl of ["not a url", "ftp://sso.example.com", "https://sso.example.com/?x=1", "https://user:pw@sso.example.com", "javascript:alert(1)"]) {
      expect(errors({ issuerUrl })).toEqual(["issuerUrl"]);
    }
  });

  it("refuses a redirect URL that is not Pulse's callback, bad scopes and claim names", () => {
    expect(errors({ redirectUrl: "https://pulse.example.com/elsewhere" })).toEqual(["redirectUrl"]);
    expect(errors({ redirectUrl: "https://pulse.example.com/api/oidc/callback" })).toEqual([]);
    expect(errors({ scopes: 'openid "quoted"' })).toEqual(["scopes"]);
    expect(errors({ usernameClaim: "two words" })).toEqual(["usernameClaim"]);
    expect(errors({ enabled: "yes" })).toEqual(["enabled"]);
  });
});

describe("OIDC environment overrides", () => {
  it("maps Pulse's variables to fields; empty ones are ignored", () => {
    const env = envOf({
      OIDC_ENABLED: "true",
      OIDC_CLIENT_ID: "from-env",
      OIDC_SCOPES: "profile,email groups",
      OIDC_ALLOWED_GROUPS: "Pulse Admins, ops",
      OIDC_ALLOWED_DOMAINS: "@Example.COM",
      OIDC_ALLOWED_EMAILS: "Boss@Example.com",
      OIDC_GROUPS_CLAIM: "",
    });
    expect(oidcEnvOverrides(env)).toEqual({
      enabled: true,
      clientId: "from-env",
      scopes: "openid profile email groups",
      allowedGroups: ["Pulse Admins", "ops"],
      allowedDomains: ["example.com"],
      allowedEmails: ["boss@example.com"],
    });
  });

  it("treats an issuer in the environment as enabling SSO unless OIDC_ENABLED says otherwise", () => {
    expect(oidcEnvOverrides(envOf({ OIDC_ISSUER_URL: "https://sso.example.com" })).enabled).toBe(true);
    expect(oidcEnvOverrides(envOf({ OIDC_ISSUER_URL: "https://sso.example.com", OIDC_ENABLED: "false" })).enabled).toBe(false);
  });
});

describe("OIDC redirect URI and readiness", () => {
  it("derives the callback from the request unless one is configured", () => {
    const r = new Request("http://10.0.0.5:7655/api/security/oidc", { headers: { host: "pulse.lan:7655" } });
    expect(oidcRedirectUri(r, { redirectUrl: "" })).toBe("http://pulse.lan:7655/api/oidc/callback");
    const proxied = new Request("http://10.0.0.5:7655/x", { headers: { host: "pulse.example.com", "x-forwarded-proto": "https" } });
    expect(oidcRedirectUri(proxied, { redirectUrl: "" })).toBe("https://pulse.example.com/api/oidc/callback");
    expect(oidcRedirectUri(r, { redirectUrl: "https://sso-pulse.example.com/api/oidc/callback" })).toBe("https://sso-pulse.example.com/api/oidc/callback");
  });

  it("needs enabled, an http(s) issuer and a client ID", () => {
    expect(oidcReadiness(OIDC_DEFAULTS)).toMatch(/disabled/);
    expect(oidcReadiness({ ...OIDC_DEFAULTS, enabled: true, clientId: "x" })).toMatch(/issuer/);
    expect(oidcReadiness({ ...OIDC_DEFAULTS, enabled: true, issuerUrl: "https://sso.example.com" })).toMatch(/client ID/);
    expect(oidcReadiness({ ...OIDC_DEFAULTS, enabled: true, issuerUrl: "https://sso.example.com", clientId: "x" })).toBeUndefined();
  });
});

describe.each(testProviders())("OIDC settings storage (%s)", (provider) => {
  const t = useTestDatabase(provider);
  const base = { enabled: true, issuerUrl: "https://sso.example.com/realms/main", clientId: "pulse" };

  it("starts from Pulse's defaults, with the default role admin", async () => {
    const loaded = await loadOidcConfig(t.db, noEnv);
    expect(loaded).toEqual({ config: OIDC_DEFAULTS, envOverrides: [] });
    expect(OIDC_DEFAULTS).toMatchObject({ scopes: "openid profile email", usernameClaim: "preferred_username", emailClaim: "email", groupsClaim: "groups", defaultRole: "admin" });
  });

  it("stores the client secret encrypted, and shows only that one is set", async () => {
    await ensureBuiltInRoles(t.db);
    const changed = await saveOidcConfig(t.db, { ...base, clientSecret: "idp-client-secret-value" }, noEnv);
    expect(changed.sort()).toEqual(["clientId", "clientSecret", "enabled", "issuerUrl"]);
    const raw = await getSetting<Record<string, unknown>>(t.db, OIDC_SETTINGS_KEY);
    expect(raw?.clientSecretEnc).toMatch(/^v1:/);
    expect(JSON.stringify(raw)).not.toContain("idp-client-secret-value");

    const loaded = await loadOidcConfig(t.db, noEnv);
    expect(loaded.config.clientSecret).toBe("idp-client-secret-value");
    const view = publicOidcConfig(loaded, "http://pulse/api/oidc/callback");
    expect(view).toMatchObject({ clientSecretSet: true, enabled: true, defaultRedirectUrl: "http://pulse/api/oidc/callback" });
    expect(JSON.stringify(view)).not.toContain("idp-client-secret-value");
  });

  it("keeps the secret (and its ciphertext) when an update leaves it out, and clears it on request", async () => {
    const before = (await getSetting<{ clientSecretEnc: string }>(t.db, OIDC_SETTINGS_KEY))!.clientSecretEnc;
    expect(await saveOidcConfig(t.db, { clientSecret: "", allowedGroups: ["ops"] }, noEnv)).toEqual(["allowedGroups"]);
    expect((await getSetting<{ clientSecretEnc: string }>(t.db, OIDC_SETTINGS_KEY))!.clientSecretEnc).toBe(before);
    expect((await loadOidcConfig(t.db, noEnv)).config.clientSecret).toBe("idp-client-secret-value");

    expect(await saveOidcConfig(t.db, { clearClientSecret: true }, noEnv)).toEqual(["clientSecret"]);
    expect((await loadOidcConfig(t.db, noEnv)).config.clientSecret).toBeUndefined();
  });

  it("normalises lists and scopes", async () => {
    await saveOidcConfig(t.db, { scopes: "email profile", allowedDomains: ["@Example.com", "example.com", " other.org "], allowedEmails: "A@B.c" }, noEnv);
    const { config } = await loadOidcConfig(t.db, noEnv);
    expect(config.scopes).toBe("openid email profile");
    expect(config.allowedDomains).toEqual(["example.com", "other.org"]);
    expect(config.allowedEmails).toEqual(["a@b.c"]);
  });

  it("refuses unknown roles and enabling without an issuer and client", async () => {
    expect((await refusal(saveOidcConfig(t.db, { groupRoleMappings: { ops: "no-such-role" } }, noEnv))).status).toBe(400);
    expect((await refusal(saveOidcConfig(t.db, { defaultRole: "no-such-role" }, noEnv))).status).toBe(400);
    expect((await refusal(saveOidcConfig(t.db, { clientId: "" }, noEnv))).message).toMatch(/required to enable/);
    expect((await refusal(saveOidcConfig(t.db, { caBundle: "/nonexistent/ca.pem" }, noEnv))).message).toMatch(/not found/);
    // Nothing of the refused updates was stored.
    const { config } = await loadOidcConfig(t.db, noEnv);
    expect(config).toMatchObject({ clientId: "pulse", groupRoleMappings: {}, defaultRole: "admin", caBundle: "" });
    await saveOidcConfig(t.db, { groupRoleMappings: { ops: "operator", audit: "auditor" }, defaultRole: "" }, noEnv);
    expect((await loadOidcConfig(t.db, noEnv)).config).toMatchObject({ groupRoleMappings: { ops: "operator", audit: "auditor" }, defaultRole: "" });
  });

  it("applies environment variables over stored values and refuses to change them", async () => {
    const env = envOf({ OIDC_CLIENT_ID: "env-client", OIDC_CLIENT_SECRET: "env-secret", OIDC_ALLOWED_GROUPS: "a,b" });
    const loaded = await loadOidcConfig(t.db, env);
    expect(loaded.config).toMatchObject({ clientId: "env-client", clientSecret: "env-secret", allowedGroups: ["a", "b"], issuerUrl: base.issuerUrl });
    expect(loaded.envOverrides.sort()).toEqual(["allowedGroups", "clientId", "clientSecret"]);

    const err = await refusal(saveOidcConfig(t.db, { clientId: "other" }, env));
    expect(err).toMatchObject({ status: 400, code: "bad_request", extra: { field: "clientId", envVar: "OIDC_CLIENT_ID" } });
    expect((await refusal(saveOidcConfig(t.db, { clientSecret: "new" }, env))).extra).toMatchObject({ field: "clientSecret" });
    expect((await refusal(saveOidcConfig(t.db, { clearClientSecret: true }, env))).extra).toMatchObject({ field: "clientSecret" });

    // Sending a locked field back unchanged is fine, and does not store it.
    expect(await saveOidcConfig(t.db, { clientId: "env-client", allowedGroups: "b, a, a", hideLocalLogin: true }, env)).toEqual(["hideLocalLogin"]);
    const stored = await loadOidcConfig(t.db, noEnv);
    expect(stored.config).toMatchObject({ clientId: "pulse", hideLocalLogin: true });
  });
});
