import { afterEach, describe, expect, it } from "vitest";
import { listApiTokens } from "../db/api-tokens";
import { testProviders, useTestDatabase } from "../db/test-support";
import { loadCredentials, setCredentials } from "./credentials";
import type { Principal } from "./principal";
import { BUILT_IN_ROLES } from "./roles";
import { isValidToken, listTokens, mintToken, regenerateToken, revokeToken, TokenCreateSchema } from "./tokens";
import { refusal } from "../api/testing";

const role = (id: string) => BUILT_IN_ROLES.find((r) => r.id === id)!.permissions;
const admin: Principal = { kind: "user", username: "admin", method: "basic", permissions: role("admin") };
const operator: Principal = { kind: "user", username: "op", method: "basic", permissions: [...role("operator"), { action: "admin", resource: "users" }] };
const reader: Principal = { kind: "token", tokenId: "t1", name: "reader", scopes: ["monitoring:read", "settings:write"], source: "stored" };

afterEach(() => setCredentials(undefined));

describe("token request validation", () => {
  it("treats missing or empty scopes as full access and refuses unknown ones", () => {
    expect(TokenCreateSchema.parse({ name: " ci " })).toEqual({ name: "ci", scopes: ["*"] });
    expect(TokenCreateSchema.parse({ name: "ci", scopes: [] }).scopes).toEqual(["*"]);
    expect(TokenCreateSchema.parse({ name: "ci", scopes: ["settings:read", "monitoring:read", "settings:read"] }).scopes).toEqual(["monitoring:read", "settings:read"]);
    expect(TokenCreateSchema.safeParse({ name: "ci", scopes: ["root"] }).success).toBe(false);
    expect(TokenCreateSchema.safeParse({ name: "ci", scopes: ["*", "monitoring:read"] }).success).toBe(false);
    expect(TokenCreateSchema.safeParse({ name: "" }).success).toBe(false);
    expect(TokenCreateSchema.safeParse({ name: "x".repeat(129) }).success).toBe(false);
  });
});

describe.each(testProviders())("api token management (%s)", (provider) => {
  const t = useTestDatabase(provider);

  it("mints a token shown once, stores only its hash, and lists it beside env tokens", async () => {
    setCredentials(loadCredentials({ API_TOKENS: "env-secret-1" }));
    const { token, record } = await mintToken(t.db, admin, { name: "ansible", scopes: ["monitoring:read"] });
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(record).toMatchObject({ name: "ansible", prefix: token.slice(0, 6), suffix: token.slice(-4), scopes: ["monitoring:read"], source: "user" });
    expect(record).not.toHaveProperty("hash");
    const listed = await listTokens(t.db);
    expect(listed.map((x) => [x.name, x.source])).toEqual([["env-token-1", "env"], ["ansible", "user"]]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(JSON.stringify(listed)).not.toMatch(/[0-9a-f]{64}/);
    expect(await isValidToken(t.db, token)).toBe(true);
    expect(await isValidToken(t.db, "env-secret-1")).toBe(true);
    expect(await isValidToken(t.db, "nope")).toBe(false);
    expect(await isValidToken(t.db, "x".repeat(5000))).toBe(false);
  });

  it("never grants more than the caller holds", async () => {
    // A user with admin on users but operator rights otherwise.
    await mintToken(t.db, operator, { name: "ok", scopes: ["monitoring:write", "docker:manage"] });
    const err = await refusal(mintToken(t.db, operator, { name: "too much", scopes: ["settings:write"] }));
    expect(err).toMatchObject({ status: 403, code: "forbidden" });
    expect(err.message).toContain("settings:write");
    expect((await refusal(mintToken(t.db, operator, { name: "all", scopes: ["*"] }))).status).toBe(403);
    // A token only passes on scopes it holds itself.
    await mintToken(t.db, reader, { name: "narrow", scopes: ["monitoring:read"] });
    expect((await refusal(mintToken(t.db, reader, { name: "wider", scopes: ["settings:read"] }))).status).toBe(403);
    expect((await refusal(regenerateToken(t.db, reader))).status).toBe(403);
  });

  it("revokes stored tokens, 404s unknown ones and refuses env tokens", async () => {
    setCredentials(loadCredentials({ API_TOKENS: "env-secret-1" }));
    const { token, record } = await mintToken(t.db, admin, { name: "temp", scopes: ["*"] });
    await revokeToken(t.db, record.id);
    expect(await isValidToken(t.db, token)).toBe(false);
    expect((await refusal(revokeToken(t.db, record.id))).status).toBe(404);
    const env = await refusal(revokeToken(t.db, "env-token-1"));
    expect(env.status).toBe(400);
    expect(env.message).toMatch(/API_TOKENS/);
  });

  it("regenerates the primary token, revoking the previous setup/regenerated ones only", async () => {
    for (const r of await listApiTokens(t.db)) await revokeToken(t.db, r.id);
    const kept = await mintToken(t.db, admin, { name: "script", scopes: ["monitoring:read"] });
    const setup = await mintToken(t.db, admin, { name: "setup", scopes: ["*"], source: "setup" });
    const first = await regenerateToken(t.db, admin);
    expect(first.revoked).toBe(1);
    expect(first.record).toMatchObject({ scopes: ["*"], source: "setup" });
    expect(first.record.name).toMatch(/^regenerated-\d{4}-\d{2}-\d{2}$/);
    expect(await isValidToken(t.db, setup.token)).toBe(false);
    const second = await regenerateToken(t.db, admin);
    expect(second.revoked).toBe(1);
    expect(await isValidToken(t.db, first.token)).toBe(false);
    expect(await isValidToken(t.db, second.token)).toBe(true);
    expect(await isValidToken(t.db, kept.token)).toBe(true);
  });
});
