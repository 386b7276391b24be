#!/usr/bin/env node
// Usage: npm run db:new-migration -- <name>
// Diffs the migrations already in prisma/<provider>/migrations against the shared
// models and writes one new migration per provider (same folder name for both).
// SQLite replays the history in memory; PostgreSQL needs a server for a throwaway
// shadow database: PULSE_SHADOW_PG_URL, else DATABASE_URL if it is PostgreSQL, else
// postgresql://postgres@127.0.0.1:5432/postgres.
import { existsSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { PROVIDERS, projectRoot, runPrisma } from "../lib/db/prisma-cli.mjs";

const EMPTY = "-- This is an empty migration.";

const raw = process.argv.slice(2).join("_");
const name = raw.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
if (!name) {
  console.error("usage: npm run db:new-migration -- <name>");
  process.exit(2);
}

const pgUrl =
  process.env.PULSE_SHADOW_PG_URL ??
  (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL : undefined) ??
  "postgresql://postgres@127.0.0.1:5432/postgres";

const root = projectRoot();
const migrationsDir = (provider) => path.join(root, "prisma", provider, "migrations");
const hasMigrations = (dir) =>
  existsSync(dir) && readdirSync(dir, { withFileTypes: true }).some((d) => d.isDirectory());

async function diff(provider) {
  const dir = migrationsDir(provider);
  const from = hasMigrations(dir) ? ["--from-migrations", dir] : ["--from-empty"];
  const args = ["migrate", "diff", ...from, "--to-schema-datamodel", path.join(root, "prisma", provider), "--script"];
  const databaseUrl = provider === "sqlite" ? "file::memory:" : pgUrl;
  const { stdout } = await runPrisma(provider, args, { databaseUrl });
  let sql = stdout.trim();
  // A diff from empty creates the public schema, which always exists and needs CREATE
  // on the database: a role that only owns its tables would fail on it.
  if (provider === "postgres") sql = sql.replace(/-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\s*/, "");
  return sql === EMPTY || sql === "" ? null : `${sql}\n`;
}

const results = await Promise.allSettled(PROVIDERS.map(diff));
const failed = results.find((r) => r.status === "rejected");
if (failed) {
  console.error(failed.reason instanceof Error ? failed.reason.message : failed.reason);
  process.exit(1);
}
const sqls = results.map((r) => r.value);
if (sqls.every((s) => s === null)) {
  console.log("No schema changes: nothing to migrate.");
  process.exit(0);
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const [i, provider] of PROVIDERS.entries()) {
  const dir = migrationsDir(provider);
  const target = path.join(dir, `${stamp}_${name}`);
  await mkdir(target, { recursive: true });
  await writeFile(path.join(target, "migration.sql"), sqls[i] ?? "-- No changes for this provider.\n");
  const lock = path.join(dir, "migration_lock.toml");
  if (!existsSync(lock)) {
    const dbProvider = provider === "postgres" ? "postgresql" : provider;
    await writeFile(lock, `# Written by scripts/new-migration.mjs; keep in version control.\nprovider = "${dbProvider}"\n`);
  }
  console.log(`created ${path.relative(root, target)}/migration.sql`);
}
