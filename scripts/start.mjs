#!/usr/bin/env node
/**
 * `npm start`: migrate the database, build if the sources changed, then run the server
 * (which forks the worker). Defaults: port 7655, SQLite in ./data, demo cluster until a
 * Proxmox node is added.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildAll } from "./build.mjs";
import { migrate } from "./migrate.mjs";

process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

try {
  await migrate();
  await buildAll({ ifStale: true });
  const { startServer } = await import(pathToFileURL(path.join(root, "dist", "server.js")).href);
  const running = await startServer({ root });
  console.log(`Pulse is running at ${running.url}`);
  const shutdown = () => running.close().finally(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (err) {
  console.error(`Pulse failed to start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
