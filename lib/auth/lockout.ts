/**
 * Failed-login lockout, as Pulse does it: 5 failures lock for 15 minutes, counted per
 * username and per client IP separately; a successful login clears the username's count.
 * Kept in memory (a restart clears it, which is also the way out for a locked-out admin
 * who cannot reach another admin).
 */

export const MAX_LOGIN_ATTEMPTS = 5;
export const LOCKOUT_MS = 15 * 60_000;
/** Pulse's wording for the lock length, sent as `lockoutDuration`. */
export const LOCKOUT_DURATION_TEXT = "15 minutes";
/** Above this many tracked identifiers, stale entries are swept on the next failure. */
const SWEEP_THRESHOLD = 10_000;

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockedUntil?: number;
}

export interface LockState {
  locked: boolean;
  lockedUntil?: Date;
  remainingMinutes?: number;
}

export interface FailureResult extends LockState {
  /** failures so far (the higher of the username's and the IP's count) */
  attempts: number;
  /** failures left before the lock */
  remaining: number;
  /** this failure is the one that locked */
  lockedNow: boolean;
}

export class LoginLockout {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The lock on either the username or the IP, whichever ends later. */
  check(username: string, ip: string): LockState {
    const until = Math.max(this.lockedUntil(userKey(username)), this.lockedUntil(ipKey(ip)));
    return until ? this.lockState(until) : { locked: false };
  }

  recordFailure(username: string, ip: string): FailureResult {
    const now = this.now();
    if (this.entries.size > SWEEP_THRESHOLD) this.sweep(now);
    let lockedNow = false;
    let attempts = 0;
    for (const key of [userKey(username), ipKey(ip)]) {
      const e = this.live(key, now) ?? { failures: 0, lastFailureAt: now };
      if (e.lockedUntil && e.lockedUntil > now) {
        attempts = Math.max(attempts, e.failures);
        continue;
      }
      e.failures += 1;
      e.lastFailureAt = now;
      if (e.failures >= MAX_LOGIN_ATTEMPTS) {
        e.lockedUntil = now + LOCKOUT_MS;
        lockedNow = true;
      }
      this.entries.set(key, e);
      attempts = Math.max(attempts, e.failures);
    }
    const remaining = Math.max(0, MAX_LOGIN_ATTEMPTS - attempts);
    const lock = this.check(username, ip);
    return { ...lock, attempts, remaining, lockedNow };
  }

  /** A good password: forget the username's failures (the IP's stay counted). */
  recordSuccess(username: string): void {
    this.entries.delete(userKey(username));
  }

  /** Admin reset: `identifier` is a username or an IP. Returns whether anything was cleared. */
  reset(identifier: string): boolean {
    const a = this.entries.delete(userKey(identifier));
    const b = this.entries.delete(ipKey(identifier));
    return a || b;
  }

  clear(): void {
    this.entries.clear();
  }

  private lockedUntil(key: string): number {
    const e = this.live(key, this.now());
    return e?.lockedUntil && e.lockedUntil > this.now() ? e.lockedUntil : 0;
  }

  private lockState(until: number): LockState {
    return { locked: true, lockedUntil: new Date(until), remainingMinutes: Math.max(1, Math.ceil((until - this.now()) / 60_000)) };
  }

  /** The entry if it still counts: a lock that ran out, or failures older than the lockout window, are forgotten. */
  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const expired = e.lockedUntil ? e.lockedUntil <= now : now - e.lastFailureAt > LOCKOUT_MS;
    if (expired) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(now: number): void {
    for (const key of [...this.entries.keys()]) this.live(key, now);
  }
}

const userKey = (username: string) => `user:${username.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

// On globalThis: the login and reset-lockout routes are bundled separately but must share one table.
const g = globalThis as unknown as { __pulseLoginLockout?: LoginLockout };

export function getLoginLockout(): LoginLockout {
  g.__pulseLoginLockout ??= new LoginLockout();
  return g.__pulseLoginLockout;
}
