#!/usr/bin/env node
/**
 * Production build: `next build` for the app, and an esbuild bundle of the custom server
 * and the worker into dist/. With --if-stale (what `npm start` uses) it does nothing
 * when the build is newer than every source file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["app", "lib", "server", "workers", "sim", "public", "next.config.js", "package.json", "postcss.config.mjs"];
const SKIP = new Set(["node_modules", "generated", ".next", "dist"]);
const OUTPUTS = [".next/BUILD_ID", "dist/server.js", "dist/worker.js"];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) {
    if (SKIP.has(entry) || entry.endsWith(".test.ts")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function isBuildStale() {
  const built = Math.min(...OUTPUTS.map((o) => (existsSync(path.join(root, o)) ? statSync(path.join(root, o)).mtimeMs : 0)));
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return built === 0 || sources > built;
}

export async function buildAll({ ifStale = false, quiet = false } = {}) {
  if (ifStale && !isBuildStale()) return false;
  const log = (m) => !quiet && console.log(m);
  log("Building the dashboard (next build)…");
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const r = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: quiet ? "pipe" : "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(r.stdout?.toString() + r.stderr?.toString());
    throw new Error("next build failed");
  }
  log("Bundling server and worker…");
  await build({
    entryPoints: { server: path.join(root, "server/index.ts"), worker: path.join(root, "workers/index.ts") },
    outdir: path.join(root, "dist"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  return true;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  buildAll({ ifStale: process.argv.includes("--if-stale") }).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
