/** Apply pending migrations from TypeScript (server start, tests). */
import { getEnv, type PulseEnv } from "@/lib/config/env";
import type { DbProvider } from "./database-url.mjs";
import { migrateDeploy } from "./prisma-cli.mjs";

/**
 * Run `prisma migrate deploy` for the database `env` selects; creates the data dir.
 * Idempotent: applied migrations are skipped. Throws with the CLI output on failure.
 */
export async function migrateDatabase(
  env: Pick<PulseEnv, "dataDir" | "DATABASE_URL"> = getEnv(),
): Promise<{ provider: DbProvider; output: string }> {
  return migrateDeploy({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
}
