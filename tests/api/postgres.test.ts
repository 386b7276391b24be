import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TOKEN, type Simulator, startSimulator } from "../../sim";
import { startTestServer, type TestServer, waitFor } from "../helpers/server";

const ADMIN_URL = process.env.PULSE_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** The same server on PostgreSQL (DATABASE_URL) instead of the embedded SQLite. */
describe("PostgreSQL mode", () => {
  const dbName = `pulse_api_${process.pid}_${Date.now()}`;
  const dbUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  let sim: Simulator;
  let srv: TestServer | undefined;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    sim = await startSimulator({ host: "127.0.0.1", port: 0, nodes: 1, guests: 4, clusterName: null, unauthorizedDelayMs: 0 });
  });
  afterAll(async () => {
    await srv?.stop();
    await sim?.close();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });

  it("migrates, stores nodes encrypted and keeps them across a restart", async () => {
    // The encryption key lives in the data dir: both runs must share it.
    const dataDir = mkdtempSync(path.join(tmpdir(), "pulse-pg-"));
    srv = await startTestServer({ DATABASE_URL: dbUrl, PULSE_DATA_DIR: dataDir });
    const res = await srv.fetch("/api/config/nodes", {
      method: "POST",
      body: JSON.stringify({ type: "pve", name: "pgnode", host: sim.url, tokenName: DEFAULT_TOKEN.tokenId, tokenValue: DEFAULT_TOKEN.secret }),
    });
    expect(res.status).toBe(201);

    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    const rows = await client.query("SELECT * FROM node_configs");
    await client.end();
    expect(rows.rowCount).toBe(1);
    expect(JSON.stringify(rows.rows)).not.toContain(DEFAULT_TOKEN.secret);

    await waitFor(async () => (await (await srv!.fetch("/api/state")).json()).connectionHealth.pgnode === true, 30_000, "pgnode polled");
    await srv.stop();

    srv = await startTestServer({ DATABASE_URL: dbUrl, PULSE_DATA_DIR: dataDir });
    const list = await (await srv.fetch("/api/config/nodes")).json();
    expect(list.map((n: { name: string }) => n.name)).toEqual(["pgnode"]);
    expect(list[0].hasToken).toBe(true);
    await waitFor(async () => (await (await srv!.fetch("/api/state")).json()).connectionHealth.pgnode === true, 30_000, "pgnode polled after restart");
    rmSync(dataDir, { recursive: true, force: true });
  });
});
