// Prisma CLI config for PostgreSQL (migrate deploy/diff, generate). The app does not load it.
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

const dir = import.meta.dirname;

// The schema engine reads pg_catalog columns whose types adapter-pg cannot map
// (prisma/orm#27403: name, char, regclass, oid arrays, ...). Relabel them as text
// before pg parses the rows; only the CLI connection needs this.
const CATALOG_TYPE_OIDS = new Set([18, 19, 22, 24, 30, 194, 1003, 2205, 2206]);
const TEXT_OID = 25;

class CatalogAsTextClient extends pg.Client {
  _handleRowDescription(msg: { fields: { dataTypeID: number }[] }) {
    for (const f of msg.fields) if (CATALOG_TYPE_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
    // @ts-expect-error: internal pg.Client method, stable across pg 8.x
    return super._handleRowDescription(msg);
  }
}

// The wasm schema engine arms a 10 s timer around `pg_advisory_lock` and never clears
// it, so every command would idle ~10 s before exiting. Unref only timers armed from
// wasm: a real lock wait still times out while its query keeps the process alive.
const armTimer = globalThis.setTimeout;
globalThis.setTimeout = Object.assign((...args: Parameters<typeof armTimer>) => {
  const timer = armTimer(...args);
  if (new Error().stack?.includes("wasm-function")) timer.unref();
  return timer;
}, armTimer) as typeof setTimeout;

function poolConfig(connectionString: string): pg.PoolConfig {
  // allowExitOnIdle: the CLI never ends the pool, so idle clients would keep the
  // process alive for idleTimeoutMillis (~10 s) after every command.
  return { connectionString, Client: CatalogAsTextClient, allowExitOnIdle: true, max: 2 };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * adapter-pg's own shadow database keeps the connection string (which overrides the
 * database name) and drops the database while connections are open; `migrate diff
 * --from-migrations` needs a working one.
 */
function factory(url: string) {
  const main = new PrismaPg(poolConfig(url));
  return Object.assign(main, {
    async connectToShadowDb() {
      const name = `pulse_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      const shadow = await new PrismaPg(poolConfig(withDatabase(url, name))).connect();
      const dispose = shadow.dispose.bind(shadow);
      return Object.assign(shadow, {
        async dispose() {
          await dispose();
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          try {
            await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          } finally {
            await c.end();
          }
        },
      });
    },
  });
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: dir,
  migrations: { path: path.join(dir, "migrations") },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url || !/^postgres(ql)?:\/\//.test(url)) {
      throw new Error("DATABASE_URL must be a postgresql:// URL for the PostgreSQL schema");
    }
    return factory(url);
  },
});
