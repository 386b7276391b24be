import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrateDatabase } from "./migrate";
import { testProviders, useTestDatabase } from "./test-support";

describe.each(testProviders())("migrations (%s)", (provider) => {
  const t = useTestDatabase(provider); // already deployed once

  it("deploys every migration, and a second deploy is a no-op", async () => {
    const again = await migrateDatabase({ dataDir: t.dataDir, DATABASE_URL: t.url });
    expect(again.provider).toBe(provider);
    expect(again.output).toContain("No pending migrations");

    const dirs = readdirSync(path.join("prisma", provider, "migrations"), { withFileTypes: true }).filter((d) => d.isDirectory());
    const applied = await t.db.$queryRaw<{ migration_name: string; finished_at: unknown }[]>`
      SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(applied.map((m) => m.migration_name)).toEqual(dirs.map((d) => d.name).sort());
    expect(applied.every((m) => m.finished_at !== null)).toBe(true);
  });

  it("created the model tables", async () => {
    expect(await t.db.nodeConfig.count()).toBe(0);
    expect(await t.db.setting.count()).toBe(0);
    expect(await t.db.stateSnapshot.count()).toBe(0);
    expect(await t.db.apiToken.count()).toBe(0);
  });
});
