import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 90_000,
    pool: "forks",
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["lib/**/*.test.ts", "sim/**/*.test.ts", "server/**/*.test.ts", "workers/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 90_000 },
      },
      {
        // API tests run the production server; the build is refreshed once before them.
        resolve: { alias },
        test: { name: "api", include: ["tests/**/*.test.ts"], globalSetup: ["tests/global-setup.ts"], testTimeout: 60_000, hookTimeout: 120_000 },
      },
    ],
  },
});
