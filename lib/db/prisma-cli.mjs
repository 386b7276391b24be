// Runs the Prisma CLI (JS schema engine, driver adapters) for one provider. Plain JS so
// scripts/*.mjs can use it under bare node; lib/db/migrate.ts wraps it for the app.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveDatabase } from "./database-url.mjs";

export const PROVIDERS = /** @type {const} */ (["sqlite", "postgres"]);

/**
 * The checkout root: the nearest ancestor holding prisma/models.prisma, searched from
 * this module (which bundlers may move, e.g. into dist/) and then from the cwd.
 */
export function projectRoot() {
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, "prisma", "models.prisma"))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`prisma/models.prisma not found above ${starts.join(" or ")}`);
}

/** @param {"sqlite" | "postgres"} provider */
export function prismaConfigPath(provider) {
  return path.join(projectRoot(), "prisma", provider, "prisma.config.ts");
}

/**
 * Drop the CLI's boilerplate from error output. The datasource url it warns about must
 * stay: without a literal url the CLI tries to download a schema engine.
 */
function withoutNoise(output) {
  return output
    .replace(/WARNING: Your schema specifies the following datasource properties[\s\S]*?only using driver adapters\.\n?/g, "")
    .replace(/^(Loaded Prisma config from|Prisma config detected|Prisma schema loaded from|Datasource "db":).*\n?/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Run `prisma <args> --config prisma/<provider>/prisma.config.ts`, output captured.
 * Rejects with the CLI's output on a non-zero exit.
 * @param {"sqlite" | "postgres"} provider
 * @param {string[]} args
 * @param {{ databaseUrl?: string }} [opts]
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
export function runPrisma(provider, args, opts = {}) {
  const root = projectRoot();
  const cli = path.join(path.dirname(createRequire(path.join(root, "package.json")).resolve("prisma/package.json")), "build", "index.js");
  const env = {
    ...process.env,
    // No network here: skip the version check and update notice.
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    PRISMA_SKIP_POSTINSTALL_GENERATE: "1",
    NO_COLOR: "1",
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, "--config", prismaConfigPath(provider)], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) return resolve({ stdout, stderr });
      const err = new Error(`prisma ${args.join(" ")} (${provider}) exited with ${code}\n${withoutNoise(stdout + stderr)}`.trim());
      reject(Object.assign(err, { stdout, stderr }));
    });
  });
}

/**
 * Apply pending migrations to the database selected by DATABASE_URL (default SQLite
 * `<dataDir>/pulse.db`), creating the data directory first.
 * @param {{ databaseUrl?: string, dataDir: string }} opts
 */
export async function migrateDeploy(opts) {
  const db = resolveDatabase(opts);
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  if (db.file) await mkdir(path.dirname(db.file), { recursive: true, mode: 0o700 });
  const { stdout } = await runPrisma(db.provider, ["migrate", "deploy"], { databaseUrl: db.url });
  return { provider: db.provider, output: stdout };
}
