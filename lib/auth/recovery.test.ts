import { describe, expect, it } from "vitest";
import { hashToken } from "../crypto/tokens";
import { testProviders, useTestDatabase } from "../db/test-support";
import {
  consumeRecoveryToken,
  generateRecoveryToken,
  isAuthDisabled,
  isDirectLoopback,
  isRecoveryTokenValid,
  RECOVERY_TOKEN_TTL_MS,
  recoveryAllows,
  setAuthDisabled,
} from "./recovery";

const req = (headers: Record<string, string>, method = "GET") => new Request("http://127.0.0.1:7655/api/state", { method, headers: { host: "127.0.0.1:7655", ...headers } });
const LOCAL = { "x-pulse-client-ip": "127.0.0.1" };

describe.each(testProviders())("recovery tokens (%s)", (provider) => {
  const t = useTestDatabase(provider);

  it("issues a one-time token, stored only as a hash, valid for an hour", async () => {
    const now = new Date("2025-01-01T00:00:00Z");
    const { token, expiresAt } = await generateRecoveryToken(t.db, { now });
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresAt.getTime() - now.getTime()).toBe(RECOVERY_TOKEN_TTL_MS);
    const rows = await t.db.recoveryToken.findMany();
    expect(rows.map((r) => r.tokenHash)).toContain(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);

    expect(await isRecoveryTokenValid(t.db, token, now)).toBe(true);
    expect(await consumeRecoveryToken(t.db, token, now)).toBe(true);
    // Used: neither valid nor usable again.
    expect(await isRecoveryTokenValid(t.db, token, now)).toBe(false);
    expect(await consumeRecoveryToken(t.db, token, now)).toBe(false);
  });

  it("refuses expired, unknown and malformed tokens", async () => {
    const now = new Date("2025-01-01T00:00:00Z");
    const { token } = await generateRecoveryToken(t.db, { now, ttlMs: 60_000 });
    const later = new Date(now.getTime() + 60_001);
    expect(await isRecoveryTokenValid(t.db, token, later)).toBe(false);
    expect(await consumeRecoveryToken(t.db, token, later)).toBe(false);
    for (const bad of [undefined, "", "not-hex", "a".repeat(64), "a".repeat(10_000)]) {
      expect(await consumeRecoveryToken(t.db, bad, now)).toBe(false);
    }
  });

  it("lets only one of two simultaneous uses through", async () => {
    const { token } = await generateRecoveryToken(t.db);
    const results = await Promise.all([consumeRecoveryToken(t.db, token), consumeRecoveryToken(t.db, token), consumeRecoveryToken(t.db, token)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("clears used and expired tokens when a new one is made", async () => {
    await generateRecoveryToken(t.db);
    const live = await t.db.recoveryToken.count({ where: { usedAt: null, expiresAt: { gt: new Date() } } });
    expect(await t.db.recoveryToken.count()).toBe(live);
  });

  it("lets local requests in without credentials only while auth is disabled", async () => {
    await setAuthDisabled(t.db, false);
    expect(await recoveryAllows(req(LOCAL), t.db)).toBe(false);

    await setAuthDisabled(t.db, true);
    expect(await isAuthDisabled(t.db)).toBe(true);
    expect(await recoveryAllows(req(LOCAL), t.db)).toBe(true);
    expect(await recoveryAllows(req({ "x-pulse-client-ip": "::1" }), t.db)).toBe(true);
    // Not from this machine, or relayed by a proxy: still needs credentials.
    expect(await recoveryAllows(req({ "x-pulse-client-ip": "192.168.1.20" }), t.db)).toBe(false);
    expect(await recoveryAllows(req({ ...LOCAL, "x-forwarded-for": "203.0.113.9" }), t.db)).toBe(false);
    expect(await recoveryAllows(req({}), t.db)).toBe(false);
    // A write sent by another site's page through a local browser is refused; same-origin is fine.
    expect(await recoveryAllows(req({ ...LOCAL, origin: "https://evil.example" }, "POST"), t.db)).toBe(false);
    expect(await recoveryAllows(req({ ...LOCAL, "sec-fetch-site": "cross-site" }, "POST"), t.db)).toBe(false);
    expect(await recoveryAllows(req({ ...LOCAL, origin: "http://127.0.0.1:7655", "sec-fetch-site": "same-origin" }, "POST"), t.db)).toBe(true);
    expect(await recoveryAllows(req(LOCAL, "POST"), t.db)).toBe(true);

    await setAuthDisabled(t.db, false);
    expect(await recoveryAllows(req(LOCAL), t.db)).toBe(false);
  });

  it("treats only a direct loopback connection as local", () => {
    expect(isDirectLoopback(req(LOCAL))).toBe(true);
    expect(isDirectLoopback(req({ "x-pulse-client-ip": "::ffff:127.0.0.1" }))).toBe(true);
    // Next.js adds X-Forwarded-For with the socket address itself: still direct.
    expect(isDirectLoopback(req({ ...LOCAL, "x-forwarded-for": "127.0.0.1" }))).toBe(true);
    expect(isDirectLoopback(req({ ...LOCAL, "x-forwarded-for": "203.0.113.9, 127.0.0.1" }))).toBe(false);
    expect(isDirectLoopback(req({ ...LOCAL, forwarded: "for=1.2.3.4" }))).toBe(false);
    expect(isDirectLoopback(req({ ...LOCAL, "x-real-ip": "1.2.3.4" }))).toBe(false);
    expect(isDirectLoopback(req({ "x-pulse-client-ip": "10.0.0.1" }))).toBe(false);
  });
});
