import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, ROOT, startTestServer, TEST_TOKEN, waitFor } from "../helpers/server";

/**
 * Route handlers deployed without the custom server (plain `next start`, no worker
 * pushing) answer from the snapshot the worker last persisted in the database.
 */
describe("state without the custom server", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "pulse-standalone-"));
  let next: ChildProcess | undefined;
  afterAll(() => {
    next?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the persisted snapshot", async () => {
    const srv = await startTestServer({ PULSE_DATA_DIR: dataDir });
    const polled = await waitFor(async () => {
      const s = await (await srv.fetch("/api/state")).json();
      return s.nodes.length > 0 ? s : undefined;
    }, 30_000, "first poll");
    await srv.stop();
    expect(polled.isDemo).toBe(true);

    const port = await freePort();
    next = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", PULSE_DATA_DIR: dataDir, API_TOKENS: TEST_TOKEN, PULSE_LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" },
      stdio: "ignore",
    });
    const state = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/state`, { headers: { "X-API-Token": TEST_TOKEN } });
      return res.ok ? res.json() : undefined;
    }, 60_000, "next start to answer");
    expect(state.nodes.length).toBe(polled.nodes.length);
    expect(state.lastUpdate).toBeGreaterThanOrEqual(polled.lastUpdate);
    expect(state.isDemo).toBe(true);
  });
});
