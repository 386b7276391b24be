import { readFileSync } from "node:fs";
import path from "node:path";
import { type APIRequestContext, expect, type Page } from "@playwright/test";

/** The demo simulator's fixed loopback port on the e2e server, so specs can drive it (`/_sim/...`). */
export const E2E_SIM_PORT = Number(process.env.E2E_SIM_PORT ?? 17656);

/** The administrator every e2e test signs in as (created by the setup wizard test, or below). */
export const ADMIN = { username: "admin", password: "e2e-admin-password-1" };

/** The server's first-run bootstrap token, from the data dir playwright.config.ts made. */
export function readBootstrapToken(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error("E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  return readFileSync(path.join(dir, ".bootstrap_token"), "utf8").trim();
}

/** When a spec runs on its own, complete first-run setup through the API. */
export async function ensureSetUp(request: APIRequestContext): Promise<void> {
  const status = await (await request.get("/api/security/status")).json();
  if (!status.requiresSetup) return;
  const res = await request.post("/api/security/quick-setup", {
    headers: { "X-Setup-Token": readBootstrapToken() },
    data: { username: ADMIN.username, password: ADMIN.password },
  });
  if (!res.ok()) throw new Error(`quick setup failed: ${res.status()} ${await res.text()}`);
}

/** Signs the page's browser context in as ADMIN through the login form. */
export async function signIn(page: Page): Promise<void> {
  await page.goto("/login");
  const button = page.getByRole("button", { name: "Sign in" });
  // Typing before the form hydrates can be lost: fill again until the form has taken it.
  await expect(async () => {
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await expect(button).toBeEnabled({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await button.click();
  await page.waitForURL((url) => url.pathname === "/");
}
