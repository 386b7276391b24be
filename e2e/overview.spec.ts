import { expect, test } from "@playwright/test";
import { ADMIN, readBootstrapToken } from "./helpers";

test("a fresh install is secured in the setup wizard, then shows the live demo cluster", async ({ page, request }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);

  // Step 1: the bootstrap token from the data directory (a wrong one is refused).
  await page.getByLabel("Bootstrap token", { exact: true }).fill("0".repeat(48));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("setup-error")).toContainText("not the bootstrap token");
  await page.getByLabel("Bootstrap token", { exact: true }).fill(readBootstrapToken());
  await page.getByRole("button", { name: "Continue" }).click();

  // Step 2: the administrator.
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill("too-short");
  await expect(page.getByTestId("password-problem")).toContainText("At least 12");
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();

  // The API token made in the browser is shown once, and works.
  const tokenField = page.getByTestId("api-token");
  await expect(tokenField).toHaveValue(/^[0-9a-f]{64}$/);
  const apiToken = await tokenField.inputValue();
  expect((await request.get("/api/state", { headers: { "X-API-Token": apiToken } })).status()).toBe(200);

  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.username);
  await expect(page.getByTestId("demo-badge")).toBeVisible();
  await expect(page.getByTestId("node-row").first()).toBeVisible({ timeout: 30_000 });
  expect(await page.getByTestId("node-row").count()).toBeGreaterThanOrEqual(3);
  expect(await page.getByTestId("guest-row").count()).toBeGreaterThan(10);

  // The page follows the poller without a reload: the update time moves on.
  const first = await page.getByTestId("last-update").textContent();
  await expect(page.getByTestId("last-update")).not.toHaveText(first ?? "", { timeout: 20_000 });

  // Setup is done: the wizard is gone.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);
});
