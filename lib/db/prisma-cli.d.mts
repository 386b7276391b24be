import type { DbProvider } from "./database-url.mjs";

export const PROVIDERS: readonly ["sqlite", "postgres"];
export function projectRoot(): string;
export function prismaConfigPath(provider: DbProvider): string;
export function runPrisma(
  provider: DbProvider,
  args: string[],
  opts?: { databaseUrl?: string },
): Promise<{ stdout: string; stderr: string }>;
export function migrateDeploy(opts: {
  databaseUrl?: string;
  dataDir: string;
}): Promise<{ provider: DbProvider; output: string }>;
