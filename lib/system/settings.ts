/** Reading and changing the stored system settings. */
import { getDb } from "../db/client";
import { getSetting, setSetting } from "../db/settings";
import { normalizeSettings, SETTINGS_KEY, type SystemSettings } from "../config/system-settings";

export async function loadSystemSettings(): Promise<SystemSettings> {
  return normalizeSettings(await getSetting(getDb(), SETTINGS_KEY));
}

export async function updateSystemSettings(patch: Partial<SystemSettings>): Promise<SystemSettings> {
  const next = normalizeSettings({ ...(await loadSystemSettings()), ...patch });
  await setSetting(getDb(), SETTINGS_KEY, next);
  return next;
}
