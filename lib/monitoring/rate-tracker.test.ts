import { describe, expect, it } from "vitest";
import { RateTracker, ZERO_RATES } from "./rate-tracker";

const c = (diskread: number, diskwrite: number, netin: number, netout: number) => ({ diskread, diskwrite, netin, netout });

describe("RateTracker", () => {
  it("emits zeros for the first sample, then Δbytes/Δs", () => {
    const t = new RateTracker();
    expect(t.update("a", c(1000, 2000, 3000, 4000), 0)).toEqual(ZERO_RATES);
    expect(t.update("a", c(11000, 2000, 8000, 4400), 10_000)).toEqual({ diskRead: 1000, diskWrite: 0, networkIn: 500, networkOut: 40 });
  });

  it("keeps the previous rates when PVE served the same counters again", () => {
    const t = new RateTracker();
    t.update("a", c(0, 0, 0, 0), 0);
    const r1 = t.update("a", c(100, 100, 100, 100), 10_000);
    expect(t.update("a", c(100, 100, 100, 100), 15_000)).toEqual(r1);
    // next real change is measured from the last sample that changed
    expect(t.update("a", c(300, 100, 100, 100), 20_000).diskRead).toBe(20);
  });

  it("keeps the previous rates when the clock did not advance", () => {
    const t = new RateTracker();
    t.update("a", c(0, 0, 0, 0), 1000);
    const r = t.update("a", c(10, 10, 10, 10), 2000);
    expect(t.update("a", c(50, 50, 50, 50), 2000)).toEqual(r);
    expect(t.update("a", c(60, 60, 60, 60), 1500)).toEqual(r);
  });

  it("zeroes a counter that went down and resumes from the new baseline", () => {
    const t = new RateTracker();
    t.update("a", c(5000, 5000, 5000, 5000), 0);
    expect(t.update("a", c(10, 6000, 20, 5000), 10_000)).toEqual({ diskRead: 0, diskWrite: 100, networkIn: 0, networkOut: 0 });
    expect(t.update("a", c(110, 6000, 120, 5000), 20_000)).toEqual({ diskRead: 10, diskWrite: 0, networkIn: 10, networkOut: 0 });
  });

  it("tracks guests independently and forgets stale ones", () => {
    const t = new RateTracker(60_000);
    t.update("a", c(0, 0, 0, 0), 0);
    t.update("b", c(0, 0, 0, 0), 0);
    t.update("b", c(10, 0, 0, 0), 50_000);
    expect(t.prune(70_000)).toBe(1);
    expect(t.size).toBe(1);
    expect(t.peek("a")).toEqual(ZERO_RATES);
    expect(t.peek("b").diskRead).toBeCloseTo(0.2);
  });
});
