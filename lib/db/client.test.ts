import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { closeDb, dbProvider, getDb } from "./client";
import { migrateDatabase } from "./migrate";
import { testProviders, useTestDatabase } from "./test-support";

describe("getDb", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "pulse-getdb-"));
    process.env.PULSE_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    resetEnvCache();
    await migrateDatabase();
  });
  afterAll(async () => {
    await closeDb();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("is one client per process, on SQLite <dataDir>/pulse.db by default", async () => {
    const db = getDb();
    expect(getDb()).toBe(db);
    expect(dbProvider(db)).toBe("sqlite");
    const [{ file }] = await db.$queryRawUnsafe<{ file: string }[]>("SELECT file FROM pragma_database_list WHERE name = 'main'");
    expect(file).toBe(path.join(dataDir, "pulse.db"));
    await closeDb();
    expect(getDb()).not.toBe(db);
  });

  it("opens SQLite in WAL mode with synchronous=NORMAL and a 5 s busy timeout", async () => {
    const db = getDb();
    const pragma = async (name: string) => Object.values((await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`))[0])[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(Number(await pragma("synchronous"))).toBe(1); // NORMAL; PRAGMA values are BigInt
    expect(Number(await pragma("busy_timeout"))).toBe(5000);
  });
});

describe.each(testProviders())("createDb (%s)", (provider) => {
  const t = useTestDatabase(provider);
  it("talks to the selected provider", async () => {
    expect(dbProvider(t.db)).toBe(provider);
    const rows = await t.db.$queryRaw<{ one: number | bigint }[]>`SELECT 1 AS one`;
    expect(Number(rows[0].one)).toBe(1);
  });
});
