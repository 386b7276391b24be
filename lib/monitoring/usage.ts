/** Memory/disk usage records in the state model's shape (bytes, percent 0–100). */
import type { DiskUsage, MemoryUsage } from "../state/models";

export function percent(used: number, total: number): number {
  return total > 0 && Number.isFinite(used) ? (used / total) * 100 : 0;
}

/** `used` clamped to [0, total] (PVE can briefly report more than the limit). */
export function memoryUsage(total: number, used: number, balloon?: number): MemoryUsage {
  const t = Math.max(0, total);
  const u = Math.min(Math.max(0, used), t);
  const m: MemoryUsage = { total: t, used: u, free: t - u, usage: percent(u, t) };
  if (balloon !== undefined && balloon > 0) m.balloon = balloon;
  return m;
}

export function diskUsage(total: number, used: number, free?: number): DiskUsage {
  const t = Math.max(0, total);
  const u = Math.min(Math.max(0, used), t);
  return { total: t, used: u, free: free !== undefined && free >= 0 && free <= t ? free : t - u, usage: percent(u, t) };
}

/** Only the allocated size is known (no guest-agent data): usage -1, as Pulse. */
export function allocatedOnlyDisk(maxdisk: number): DiskUsage {
  const t = Math.max(0, maxdisk);
  return { total: t, used: 0, free: t, usage: -1 };
}
