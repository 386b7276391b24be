// Prisma CLI config for SQLite (migrate deploy/diff, generate). The app does not load it.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

const dir = import.meta.dirname;

function factory(url: string) {
  const base = new PrismaBetterSQLite3({ url, timeout: 5000 });
  const connectToShadowDb = base.connectToShadowDb.bind(base);
  return Object.assign(base, {
    // The engine replays each migration file on the (in-memory) shadow database as one
    // argument-less executeRaw, which better-sqlite3 prepares as a single statement
    // (P3006 on any multi-statement migration). Run those as scripts instead.
    async connectToShadowDb() {
      const shadow = await connectToShadowDb();
      const executeRaw = shadow.executeRaw.bind(shadow);
      return Object.assign(shadow, {
        async executeRaw(query: Parameters<typeof executeRaw>[0]) {
          if (query.args.length > 0) return executeRaw(query);
          await shadow.executeScript(query.sql);
          return 0;
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
    if (!url?.startsWith("file:")) throw new Error("DATABASE_URL must be a file: URL for the SQLite schema");
    return factory(url);
  },
});
