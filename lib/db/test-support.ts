/**
 * Test databases for repository tests: every suite runs against SQLite (temp data dir)
 * and PostgreSQL (a fresh database on PULSE_TEST_PG_URL, default
 * postgresql://postgres@127.0.0.1:5432/postgres), migrated with the real migrations.
 * An unreachable PostgreSQL fails the suite unless PULSE_SKIP_PG=1.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { clearEncryptionKeyCache } from "@/lib/crypto/secrets";
import { createDb, type Db, type DbProvider } from "./client";
import { migrateDatabase } from "./migrate";

export const PG_ADMIN_URL = process.env.PULSE_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function testProviders(): DbProvider[] {
  return process.env.PULSE_SKIP_PG === "1" ? ["sqlite"] : ["sqlite", "postgres"];
}

export interface TestDatabase {
  readonly provider: DbProvider;
  readonly db: Db;
  /** DATABASE_URL of this database. */
  readonly url: string;
  /** Temp PULSE_DATA_DIR (encryption key; the SQLite file is `pulse.db` in it). */
  readonly dataDir: string;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL not reachable at ${PG_ADMIN_URL} (${(err as Error).message}); set PULSE_SKIP_PG=1 to skip`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Register beforeAll/afterAll hooks creating a migrated database for `provider` and
 * pointing PULSE_DATA_DIR at a temp dir; the returned handle is usable inside tests.
 */
export function useTestDatabase(provider: DbProvider): TestDatabase {
  let state: Omit<TestDatabase, "provider"> | undefined;
  let pgName: string | undefined;
  let tempDir: string | undefined;
  const previousDataDir = process.env.PULSE_DATA_DIR;

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "pulse-db-test-"));
    tempDir = dataDir;
    process.env.PULSE_DATA_DIR = dataDir;
    resetEnvCache();
    clearEncryptionKeyCache();
    let url = `file:${path.join(dataDir, "pulse.db")}`;
    if (provider === "postgres") {
      const name = `pulse_test_${randomBytes(6).toString("hex")}`;
      await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
      pgName = name;
      url = databaseUrl(name);
    }
    await migrateDatabase({ dataDir, DATABASE_URL: url });
    state = { db: createDb(url), url, dataDir };
  });

  afterAll(async () => {
    await state?.db.$disconnect();
    if (pgName) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${pgName}" WITH (FORCE)`));
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    if (previousDataDir === undefined) delete process.env.PULSE_DATA_DIR;
    else process.env.PULSE_DATA_DIR = previousDataDir;
    resetEnvCache();
    clearEncryptionKeyCache();
  });

  const ready = () => {
    if (!state) throw new Error("test database not ready (use it inside tests/hooks)");
    return state;
  };
  return {
    provider,
    get db() {
      return ready().db;
    },
    get url() {
      return ready().url;
    },
    get dataDir() {
      return ready().dataDir;
    },
  };
}
