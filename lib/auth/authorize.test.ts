import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it } from "vitest";
import { hashToken } from "../crypto/tokens";
import { useTestDatabase } from "../db/test-support";
import { authorize } from "./authorize";
import { loadCredentials, setCredentials } from "./credentials";
import { clearBasicCache } from "./principal";
import { ensureBuiltInRoles } from "./users";
import { refusal as failure } from "../api/testing";

const req = (path: string, headers: Record<string, string> = {}, method = "GET") => new Request(`http://pulse${path}`, { headers, method });

const testDb = useTestDatabase("sqlite");
afterEach(() => {
  setCredentials(undefined);
  clearBasicCache();
});

describe("authorize", () => {
  it("lets public routes through without credentials", async () => {
    setCredentials(loadCredentials({ API_TOKENS: "secret-1" }));
    expect(await authorize(req("/api/health"), "GET /api/health")).toEqual({ kind: "anonymous" });
  });

  it("accepts env tokens by header, bearer and (read-only) query", async () => {
    setCredentials(loadCredentials({ API_TOKENS: "secret-1, secret-2" }));
    expect((await authorize(req("/api/state", { "X-API-Token": "secret-2" }), "GET /api/state")).kind).toBe("token");
    expect((await authorize(req("/api/config/nodes", { Authorization: "Bearer secret-1" }, "POST"), "POST /api/config/nodes")).kind).toBe("token");
    expect((await authorize(req("/api/state?token=secret-1"), "GET /api/state")).kind).toBe("token");
    const write = await failure(authorize(req("/api/config/nodes?token=secret-1", {}, "POST"), "POST /api/config/nodes"));
    expect(write.status).toBe(401);
  });

  it("accepts a 64-hex entry as a stored SHA3-256 hash", async () => {
    setCredentials(loadCredentials({ API_TOKENS: hashToken("raw-token") }));
    expect((await authorize(req("/", { "X-API-Token": "raw-token" }), "GET /api/state")).kind).toBe("token");
  });

  it("refuses missing, wrong and oversized credentials with 401", async () => {
    setCredentials(loadCredentials({ API_TOKENS: "secret-1" }));
    const attempts: Record<string, string>[] = [{}, { "X-API-Token": "nope" }, { "X-API-Token": "x".repeat(1_000_000) }];
    for (const headers of attempts) {
      const err = await failure(authorize(req("/api/state", headers), "GET /api/state"));
      expect(err.status).toBe(401);
      expect(err.code).toBe("unauthorized");
    }
  });

  it("names the missing scope with 403", async () => {
    const creds = loadCredentials({ API_TOKENS: "reader" });
    creds.tokens.forEach((t) => (t.scopes = ["monitoring:read"]));
    setCredentials(creds);
    expect((await authorize(req("/", { "X-API-Token": "reader" }), "GET /api/state")).kind).toBe("token");
    const err = await failure(authorize(req("/", { "X-API-Token": "reader" }, "POST"), "POST /api/config/nodes"));
    expect(err.status).toBe(403);
    expect(err.code).toBe("missing_scope");
    expect(err.extra.requiredScope).toBe("settings:write");
  });

  it("checks HTTP Basic against the bcrypt-hashed PULSE_AUTH_PASS", async () => {
    await ensureBuiltInRoles(testDb.db);
    await testDb.db.userRole.create({ data: { username: "admin", roleId: "admin" } });
    const creds = loadCredentials({ PULSE_AUTH_USER: "admin", PULSE_AUTH_PASS: "correct horse" });
    expect(creds.user?.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    expect(creds.user?.passwordHash).not.toContain("correct horse");
    setCredentials(creds);
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });
    expect(await authorize(req("/", basic("admin", "correct horse"), "POST"), "POST /api/config/nodes")).toMatchObject({ kind: "user", username: "admin", method: "basic" });
    expect((await failure(authorize(req("/", basic("admin", "wrong")), "GET /api/state"))).status).toBe(401);
    expect((await failure(authorize(req("/", basic("root", "correct horse")), "GET /api/state"))).status).toBe(401);
    expect((await failure(authorize(req("/", basic("admin", "p".repeat(1_000_000))), "GET /api/state"))).status).toBe(401);
  });

  it("keeps an already hashed PULSE_AUTH_PASS as it is", () => {
    const hash = bcrypt.hashSync("pw", 4);
    expect(loadCredentials({ PULSE_AUTH_USER: "a", PULSE_AUTH_PASS: hash }).user?.passwordHash).toBe(hash);
  });

  it("asks for first-run setup while nothing is configured", async () => {
    setCredentials(loadCredentials({}));
    await testDb.db.userRole.deleteMany();
    const err = await failure(authorize(req("/api/state"), "GET /api/state"));
    expect(err.status).toBe(401);
    expect(err.code).toBe("setup_required");
  });
});
