/**
 * System settings kept in the database (Pulse's system.json), with Pulse's field names and
 * defaults. Stored as one JSON document under the `system` key; unknown keys are dropped.
 */
import { z } from "zod";

export const POLLING_INTERVAL_MIN = 10;
export const POLLING_INTERVAL_MAX = 3600;

export const SystemSettingsSchema = z.object({
  /** seconds between PVE polls; Pulse clamps to 10 s – 1 h */
  pvePollingInterval: z.number().int().default(10),
  pbsPollingInterval: z.number().int().default(60),
  pmgPollingInterval: z.number().int().default(60),
  /** request timeout towards Proxmox, seconds */
  connectionTimeout: z.number().int().min(1).max(300).default(60),
  updateChannel: z.enum(["stable", "rc"]).default("stable"),
  autoUpdateEnabled: z.boolean().default(false),
  theme: z.enum(["light", "dark", "system"]).default("system"),
  /** let other sites show Pulse in an iframe (X-Frame-Options/frame-ancestors) */
  allowEmbedding: z.boolean().default(false),
  /** comma-separated origins allowed to embed Pulse when embedding is on; empty = any */
  allowedEmbedOrigins: z.string().default(""),
  /** demo data: unset = automatic (on while no node is configured) */
  mockMode: z.boolean().optional(),
});

export type SystemSettings = z.infer<typeof SystemSettingsSchema>;

export const SETTINGS_KEY = "system";

export function clampPollingInterval(seconds: number): number {
  return Math.min(POLLING_INTERVAL_MAX, Math.max(POLLING_INTERVAL_MIN, Math.round(seconds)));
}

export function normalizeSettings(raw: unknown): SystemSettings {
  const parsed = SystemSettingsSchema.safeParse(raw ?? {});
  const s = parsed.success ? parsed.data : SystemSettingsSchema.parse({});
  return { ...s, pvePollingInterval: clampPollingInterval(s.pvePollingInterval) };
}
