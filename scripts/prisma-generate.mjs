#!/usr/bin/env node
// postinstall: generate the SQLite and PostgreSQL Prisma clients into lib/generated/.
// Offline: the prisma-client generator with engineType "client" needs no engine binary.
import { PROVIDERS, runPrisma } from "../lib/db/prisma-cli.mjs";

const started = Date.now();
try {
  await Promise.all(PROVIDERS.map((p) => runPrisma(p, ["generate", "--no-hints"])));
  console.log(`Prisma clients generated (${PROVIDERS.join(", ")}) in ${Date.now() - started} ms`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
