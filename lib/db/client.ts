/**
 * The process-wide Prisma client for the database selected by DATABASE_URL (default
 * SQLite `<dataDir>/pulse.db`). Both generated clients are imported statically so one
 * build carries both and the provider is picked at runtime.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { getEnv } from "@/lib/config/env";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { type DbProvider, resolveDatabase } from "./database-url.mjs";

/**
 * Repositories are written against the SQLite client's type: both clients share the
 * models, and SQLite's query API is the common subset (no `mode: "insensitive"`, ...).
 */
export type Db = SqliteClient;
export type { DbProvider };

const BUSY_TIMEOUT_MS = 5000;

// journal_mode=WAL persists in the file, synchronous and busy_timeout are per
// connection, so they are set on every connect. WAL lets the web server read while the
// worker writes; NORMAL skips an fsync per commit and is still durable in WAL mode
// except on power loss.
const SQLITE_PRAGMAS = `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON;`;

function sqliteAdapter(file: string) {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const factory = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS });
  const connect = factory.connect.bind(factory);
  return Object.assign(factory, {
    async connect() {
      const adapter = await connect();
      await adapter.executeScript(SQLITE_PRAGMAS);
      return adapter;
    },
  });
}

const providers = new WeakMap<Db, DbProvider>();

/** A new client for `url` (`file:` or `postgresql://`); the caller disconnects it. */
export function createDb(url: string): Db {
  const target = resolveDatabase({ databaseUrl: url, dataDir: getEnv().dataDir });
  const db =
    target.provider === "sqlite"
      ? new SqliteClient({ adapter: sqliteAdapter(target.file) })
      : (new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url }) }) as unknown as Db);
  providers.set(db, target.provider);
  return db;
}

/** Which database a client talks to, for the rare provider-specific statement. */
export function dbProvider(db: Db): DbProvider {
  const provider = providers.get(db);
  if (!provider) throw new Error("client was not created by lib/db/client");
  return provider;
}

// On globalThis: Next.js bundles route handlers into a module graph separate from the
// custom server, and both must share one connection pool / SQLite handle.
const slot = globalThis as typeof globalThis & { __pulseDb?: Db };

/** The process-wide client, created on first use from the environment. */
export function getDb(): Db {
  if (!slot.__pulseDb) {
    const env = getEnv();
    slot.__pulseDb = createDb(resolveDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir }).url);
  }
  return slot.__pulseDb;
}

/** Disconnect the process-wide client (shutdown, tests); the next getDb() reconnects. */
export async function closeDb(): Promise<void> {
  const db = slot.__pulseDb;
  slot.__pulseDb = undefined;
  await db?.$disconnect();
}
