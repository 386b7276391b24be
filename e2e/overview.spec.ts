import { expect, test } from "@playwright/test";

test("a fresh install shows the live demo cluster", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("demo-badge")).toBeVisible();
  await expect(page.getByTestId("node-row").first()).toBeVisible({ timeout: 30_000 });
  expect(await page.getByTestId("node-row").count()).toBeGreaterThanOrEqual(3);
  expect(await page.getByTestId("guest-row").count()).toBeGreaterThan(10);

  // The page follows the poller without a reload: the update time moves on.
  const first = await page.getByTestId("last-update").textContent();
  await expect(page.getByTestId("last-update")).not.toHaveText(first ?? "", { timeout: 20_000 });
});
