import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_SIM_PORT } from "./e2e/helpers";

const port = Number(process.env.E2E_PORT ?? 17655);
// Workers load this file again: they inherit the runner's environment, so they find the
// same data dir (the tests read the first-run bootstrap token from it).
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "pulse-e2e-"));
process.env.E2E_DATA_DIR = dataDir;

/** Debian's Chromium (apt-get install chromium); Playwright downloads no browser here. */
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "node scripts/migrate.mjs && node dist/server.js",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      BIND_ADDRESS: "127.0.0.1",
      PULSE_DATA_DIR: dataDir,
      PULSE_POLL_INTERVAL_MS: "1000",
      PULSE_SIM_PORT: String(E2E_SIM_PORT),
      PULSE_LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
