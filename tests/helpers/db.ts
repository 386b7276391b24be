/** A Prisma client on a test server's own SQLite database, for setup the API cannot do and for tampering. */
import path from "node:path";
import { createDb, type Db } from "@/lib/db/client";

export function openServerDb(dataDir: string): Db {
  return createDb(`file:${path.join(dataDir, "pulse.db")}`);
}
