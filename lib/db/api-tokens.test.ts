import { describe, expect, it } from "vitest";
import { generateApiToken, hashToken } from "@/lib/crypto/tokens";
import {
  ApiTokenConflictError,
  createApiToken,
  deleteApiToken,
  findApiTokenByHash,
  listApiTokens,
  touchApiTokenLastUsed,
} from "./api-tokens";
import { testProviders, useTestDatabase } from "./test-support";

describe.each(testProviders())("api tokens (%s)", (provider) => {
  const t = useTestDatabase(provider);
  const token = generateApiToken();

  it("creates a token record from its hash", async () => {
    const { raw, ...stored } = token;
    const created = await createApiToken(t.db, { name: "homepage", ...stored, scopes: ["monitoring:read"] });
    expect(created).toMatchObject({ name: "homepage", hash: token.hash, scopes: ["monitoring:read"], source: "user" });
    expect(created.lastUsedAt).toBeUndefined();
    expect(JSON.stringify(created)).not.toContain(raw);
  });

  it("finds by hash (case-insensitive) and rejects a duplicate", async () => {
    expect((await findApiTokenByHash(t.db, hashToken(token.raw).toUpperCase()))?.name).toBe("homepage");
    expect(await findApiTokenByHash(t.db, hashToken("unknown"))).toBeNull();
    await expect(
      createApiToken(t.db, { name: "again", hash: token.hash, prefix: "x", suffix: "y", source: "env" }),
    ).rejects.toBeInstanceOf(ApiTokenConflictError);
  });

  it("records the last use", async () => {
    const record = (await findApiTokenByHash(t.db, token.hash))!;
    const at = new Date("2025-06-01T12:00:00.123Z");
    await touchApiTokenLastUsed(t.db, record.id, at);
    expect((await findApiTokenByHash(t.db, token.hash))?.lastUsedAt?.toISOString()).toBe(at.toISOString());
    await touchApiTokenLastUsed(t.db, "00000000-0000-4000-8000-000000000000");
  });

  it("lists oldest first and deletes", async () => {
    const env = generateApiToken();
    await createApiToken(t.db, { name: "env-1", hash: env.hash, prefix: env.prefix, suffix: env.suffix, scopes: ["*"], source: "env" });
    const list = await listApiTokens(t.db);
    expect(list.map((r) => r.name)).toEqual(["homepage", "env-1"]);
    expect(list[1]).toMatchObject({ source: "env", scopes: ["*"] });
    expect(await deleteApiToken(t.db, list[0].id)).toBe(true);
    expect(await deleteApiToken(t.db, list[0].id)).toBe(false);
    expect((await listApiTokens(t.db)).map((r) => r.name)).toEqual(["env-1"]);
  });
});
