#!/usr/bin/env node
// npm run db:migrate, and npm start before the server: apply pending migrations to the
// database selected by DATABASE_URL (default SQLite <PULSE_DATA_DIR>/pulse.db). Silent
// on success so startup logs stay clean.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrateDeploy } from "../lib/db/prisma-cli.mjs";

/** Same variables and defaults as lib/config/env.ts (this runs under bare node). */
export function migrate(env = process.env) {
  return migrateDeploy({
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.PULSE_DATA_DIR || "./data"),
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await migrate();
  } catch (err) {
    console.error(`Database migration failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
