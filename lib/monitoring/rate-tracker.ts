/**
 * Byte rates from PVE's cumulative guest counters (Pulse's ratetracker): PVE refreshes the
 * counters only every ~10 s, so identical samples mean "no new data", not "no traffic".
 */

export interface IoCounters {
  diskread: number;
  diskwrite: number;
  netin: number;
  netout: number;
}

/** bytes/s, named as in the state model */
export interface IoRates {
  diskRead: number;
  diskWrite: number;
  networkIn: number;
  networkOut: number;
}

export const ZERO_RATES: Readonly<IoRates> = Object.freeze({ diskRead: 0, diskWrite: 0, networkIn: 0, networkOut: 0 });

interface Sample {
  diskread: number;
  diskwrite: number;
  netin: number;
  netout: number;
  /** local time of the sample the rates are measured from */
  at: number;
  rates: IoRates;
  seenAt: number;
}

export class RateTracker {
  private readonly samples = new Map<string, Sample>();

  /** @param forgetAfterMs guests not updated for this long are dropped by `prune` */
  constructor(private readonly forgetAfterMs = 10 * 60_000) {}

  get size(): number {
    return this.samples.size;
  }

  /**
   * Record a sample and return the rates. First sample → zeros; all four counters unchanged
   * or non-advancing clock → the previous rates; a counter that went down (guest restarted,
   * migrated) → 0 for that counter, measured from the new baseline next time.
   */
  update(id: string, c: IoCounters, now: number): IoRates {
    const prev = this.samples.get(id);
    if (!prev) {
      this.samples.set(id, { ...pick(c), at: now, rates: ZERO_RATES, seenAt: now });
      return ZERO_RATES;
    }
    prev.seenAt = now;
    const dt = (now - prev.at) / 1000;
    const unchanged = c.diskread === prev.diskread && c.diskwrite === prev.diskwrite && c.netin === prev.netin && c.netout === prev.netout;
    if (unchanged || dt <= 0) return prev.rates;
    const rates: IoRates = {
      diskRead: rate(c.diskread, prev.diskread, dt),
      diskWrite: rate(c.diskwrite, prev.diskwrite, dt),
      networkIn: rate(c.netin, prev.netin, dt),
      networkOut: rate(c.netout, prev.netout, dt),
    };
    prev.diskread = c.diskread;
    prev.diskwrite = c.diskwrite;
    prev.netin = c.netin;
    prev.netout = c.netout;
    prev.at = now;
    prev.rates = rates;
    return rates;
  }

  /** Last rates without recording anything (zeros for an unknown guest). */
  peek(id: string): IoRates {
    return this.samples.get(id)?.rates ?? ZERO_RATES;
  }

  forget(id: string): void {
    this.samples.delete(id);
  }

  /** Drop guests not updated within `forgetAfterMs`; returns how many were dropped. */
  prune(now: number): number {
    let n = 0;
    for (const [id, s] of this.samples) {
      if (now - s.seenAt > this.forgetAfterMs) {
        this.samples.delete(id);
        n++;
      }
    }
    return n;
  }
}

function rate(cur: number, prev: number, dt: number): number {
  return cur < prev ? 0 : (cur - prev) / dt;
}

function pick(c: IoCounters) {
  return { diskread: c.diskread, diskwrite: c.diskwrite, netin: c.netin, netout: c.netout };
}
