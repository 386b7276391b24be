// Plain JS so scripts/ (run by bare node in production) and the TS app share one rule.
import path from "node:path";

/**
 * Pick the provider from DATABASE_URL; without one, SQLite at `<dataDir>/pulse.db`.
 * Relative `file:` paths are made absolute (against the working directory, as
 * better-sqlite3 would open them) so the CLI and the app open the same file.
 * @param {{ databaseUrl?: string, dataDir: string }} opts
 */
export function resolveDatabase({ databaseUrl, dataDir }) {
  if (!databaseUrl) {
    const file = path.join(dataDir, "pulse.db");
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { provider: "postgres", url: databaseUrl };
  if (databaseUrl.startsWith("file:")) {
    const file = path.resolve(databaseUrl.slice("file:".length).split("?")[0]);
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  throw new Error("DATABASE_URL must start with file: or postgresql://");
}
