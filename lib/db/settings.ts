/** System settings as key → JSON value. */
import type { Db } from "./client";
import { parseJsonColumn } from "./errors";

/** The stored value, or undefined when the key was never set. */
export async function getSetting<T = unknown>(db: Db, key: string): Promise<T | undefined> {
  const row = await db.setting.findUnique({ where: { key } });
  return row ? parseJsonColumn<T | undefined>(row.value, undefined) : undefined;
}

/** Store `value` (anything JSON-serialisable) under `key`, replacing any previous value. */
export async function setSetting(db: Db, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value ?? null);
  await db.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
}

export async function deleteSetting(db: Db, key: string): Promise<void> {
  await db.setting.deleteMany({ where: { key } });
}
