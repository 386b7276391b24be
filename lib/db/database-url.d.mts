export type DbProvider = "sqlite" | "postgres";
export type ResolvedDatabase =
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgres"; url: string; file?: undefined };

export function resolveDatabase(opts: { databaseUrl?: string; dataDir: string }): ResolvedDatabase;
