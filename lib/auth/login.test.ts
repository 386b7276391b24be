import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../db/test-support";
import { LoginLockout } from "./lockout";
import { attemptLogin, loginFailureBody } from "./login";
import { findSession } from "./sessions";
import { upsertUser } from "./users";

describe("attemptLogin", () => {
  const t = useTestDatabase("sqlite");
  const password = "correct horse battery";

  it("signs in with the right password, audits it, and refuses (then locks) the wrong one", async () => {
    await upsertUser(t.db, { username: "admin", source: "local", password });
    let now = Date.UTC(2025, 0, 1);
    const lockout = new LoginLockout(() => now);
    const ip = "10.1.1.1";

    const ok = await attemptLogin(t.db, { username: "admin", password, ip, rememberMe: true }, lockout);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.issued.maxAgeSeconds).toBe(30 * 24 * 3600);
    expect((await findSession(t.db, ok.issued.token))?.username).toBe("admin");

    const bodies = [];
    for (let i = 0; i < 5; i++) {
      const r = await attemptLogin(t.db, { username: "admin", password: "wrong password!", ip }, lockout);
      expect(r.ok).toBe(false);
      if (!r.ok) bodies.push(loginFailureBody(r));
    }
    expect(bodies.map((b) => b.body.remaining)).toEqual([4, 3, 2, 1, 0]);
    expect(bodies[4]).toMatchObject({ status: 401, body: { error: "invalid_credentials", code: "invalid_credentials", locked: true, lockoutDuration: "15 minutes", maxAttempts: 5 } });

    // Locked: even the right password is refused, with when it ends.
    const locked = await attemptLogin(t.db, { username: "admin", password, ip }, lockout);
    expect(locked.ok).toBe(false);
    if (locked.ok) return;
    const body = loginFailureBody(locked);
    expect(body).toMatchObject({ status: 403, body: { error: "account_locked", code: "account_locked", remainingMinutes: 15 } });
    expect(body.body.lockedUntil).toBe(new Date(now + 15 * 60_000).toISOString().replace(".000Z", "Z"));

    now += 15 * 60_000;
    expect((await attemptLogin(t.db, { username: "admin", password, ip }, lockout)).ok).toBe(true);

    const events = await t.db.auditEvent.findMany({ orderBy: { timestamp: "asc" } });
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === "login")).toHaveLength(2);
    expect(names.filter((n) => n === "login_failed")).toHaveLength(6);
    expect(names.filter((n) => n === "account_locked")).toHaveLength(1);
    expect(events.every((e) => e.signature.length === 64)).toBe(true);
  });

  it("refuses an oversized password and counts it as a failed attempt", async () => {
    const lockout = new LoginLockout();
    const r = await attemptLogin(t.db, { username: "admin", password: "p".repeat(1_000_000), ip: "10.2.2.2" }, lockout);
    expect(r).toMatchObject({ ok: false, reason: "invalid", failure: { attempts: 1, remaining: 4 } });
  });
});
