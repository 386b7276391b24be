/**
 * The latest monitoring state published by the worker, kept in one row (id = 1) so a
 * restarted web server can serve the last known state before the first poll finishes.
 */
import type { Db } from "./client";

const SNAPSHOT_ID = 1;

/** Replace the snapshot; one upsert of a single row keeps the ~10 s write cheap. */
export async function saveStateSnapshot(db: Db, json: string): Promise<void> {
  await db.stateSnapshot.upsert({
    where: { id: SNAPSHOT_ID },
    create: { id: SNAPSHOT_ID, json },
    update: { json },
    select: { id: true },
  });
}

export async function loadStateSnapshot(db: Db): Promise<{ json: string; updatedAt: Date } | null> {
  return db.stateSnapshot.findUnique({ where: { id: SNAPSHOT_ID }, select: { json: true, updatedAt: true } });
}
