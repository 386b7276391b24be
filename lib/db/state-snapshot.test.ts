import { describe, expect, it } from "vitest";
import { loadStateSnapshot, saveStateSnapshot } from "./state-snapshot";
import { testProviders, useTestDatabase } from "./test-support";

/** ~2 MB of state JSON, about what 3,000 guests produce. */
function bigState(seed: number): string {
  const guests = Array.from({ length: 3000 }, (_, i) => ({
    id: `pve1-qemu-${100 + i}`,
    vmid: 100 + i,
    name: `guest-${seed}-${i}-${"x".repeat(600)}`,
    status: i % 7 ? "running" : "stopped",
    cpu: (i % 100) / 100,
    mem: i * 1048576,
  }));
  return JSON.stringify({ seed, guests });
}

describe.each(testProviders())("state snapshot (%s)", (provider) => {
  const t = useTestDatabase(provider);

  it("is null before the first save", async () => {
    expect(await loadStateSnapshot(t.db)).toBeNull();
  });

  it("writes and reads back a 2 MB snapshot, replacing the previous one", async () => {
    const first = bigState(1);
    expect(first.length).toBeGreaterThan(2_000_000);
    await saveStateSnapshot(t.db, first);
    const loaded = await loadStateSnapshot(t.db);
    expect(loaded?.json).toBe(first);
    expect(loaded?.updatedAt).toBeInstanceOf(Date);

    const second = bigState(2);
    const started = performance.now();
    await saveStateSnapshot(t.db, second);
    const elapsed = performance.now() - started;
    const again = await loadStateSnapshot(t.db);
    expect(again?.json).toBe(second);
    expect(again!.updatedAt.getTime()).toBeGreaterThanOrEqual(loaded!.updatedAt.getTime());
    const rows = await t.db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n FROM state_snapshot`;
    expect(Number(rows[0].n)).toBe(1);
    // Written every ~10 s by the worker: must stay far below that.
    expect(elapsed).toBeLessThan(2000);
  });
});
