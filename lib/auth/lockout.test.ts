import { describe, expect, it } from "vitest";
import { LOCKOUT_MS, LoginLockout, MAX_LOGIN_ATTEMPTS } from "./lockout";

function clock(start = Date.UTC(2025, 0, 1)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("LoginLockout", () => {
  it("counts down the remaining attempts and locks on the fifth failure for 15 minutes", () => {
    const c = clock();
    const lockout = new LoginLockout(c.now);
    for (let i = 1; i < MAX_LOGIN_ATTEMPTS; i++) {
      const r = lockout.recordFailure("admin", "10.0.0.1");
      expect(r).toMatchObject({ attempts: i, remaining: MAX_LOGIN_ATTEMPTS - i, locked: false, lockedNow: false });
    }
    const fifth = lockout.recordFailure("admin", "10.0.0.1");
    expect(fifth).toMatchObject({ attempts: 5, remaining: 0, locked: true, lockedNow: true, remainingMinutes: 15 });
    expect(fifth.lockedUntil?.getTime()).toBe(c.now() + LOCKOUT_MS);

    c.advance(LOCKOUT_MS - 60_000);
    expect(lockout.check("admin", "10.0.0.1")).toMatchObject({ locked: true, remainingMinutes: 1 });
    c.advance(60_000);
    expect(lockout.check("admin", "10.0.0.1").locked).toBe(false);
    // After the lock the count starts again.
    expect(lockout.recordFailure("admin", "10.0.0.1").remaining).toBe(4);
  });

  it("locks a username tried from many addresses, and an address trying many usernames", () => {
    const lockout = new LoginLockout(clock().now);
    for (let i = 0; i < 5; i++) lockout.recordFailure("admin", `10.0.0.${i}`);
    expect(lockout.check("admin", "192.168.1.1").locked).toBe(true);
    expect(lockout.check("someone", "10.0.0.1").locked).toBe(false);

    for (let i = 0; i < 5; i++) lockout.recordFailure(`user${i}`, "10.9.9.9");
    expect(lockout.check("fresh-user", "10.9.9.9").locked).toBe(true);
    expect(lockout.check("fresh-user", "10.9.9.8").locked).toBe(false);
  });

  it("reports the count closest to the lock (the address's, when it is higher)", () => {
    const lockout = new LoginLockout(clock().now);
    for (let i = 0; i < 3; i++) lockout.recordFailure(`u${i}`, "10.0.0.1");
    expect(lockout.recordFailure("admin", "10.0.0.1")).toMatchObject({ attempts: 4, remaining: 1 });
  });

  it("forgets the username's failures on success, but not the address's", () => {
    const lockout = new LoginLockout(clock().now);
    for (let i = 0; i < 4; i++) lockout.recordFailure("admin", "10.0.0.1");
    lockout.recordSuccess("admin");
    expect(lockout.recordFailure("admin", "10.0.0.2")).toMatchObject({ attempts: 1, remaining: 4 });
    expect(lockout.recordFailure("other", "10.0.0.1")).toMatchObject({ attempts: 5, locked: true });
  });

  it("forgets failures older than the lockout window", () => {
    const c = clock();
    const lockout = new LoginLockout(c.now);
    for (let i = 0; i < 4; i++) lockout.recordFailure("admin", "10.0.0.1");
    c.advance(LOCKOUT_MS + 1);
    expect(lockout.recordFailure("admin", "10.0.0.1")).toMatchObject({ attempts: 1, locked: false });
  });

  it("lifts a lock by username or by address, case-insensitively for usernames", () => {
    const lockout = new LoginLockout(clock().now);
    for (let i = 0; i < 5; i++) lockout.recordFailure("Admin", "10.0.0.1");
    expect(lockout.reset("admin")).toBe(true);
    expect(lockout.check("admin", "10.0.0.2").locked).toBe(false);
    expect(lockout.check("admin", "10.0.0.1").locked).toBe(true);
    expect(lockout.reset("10.0.0.1")).toBe(true);
    expect(lockout.check("admin", "10.0.0.1").locked).toBe(false);
    expect(lockout.reset("nobody")).toBe(false);
  });
});
