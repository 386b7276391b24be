import { expect, test } from "@playwright/test";
import { ADMIN, ensureSetUp } from "./helpers";

test.beforeAll(async ({ request }) => {
  await ensureSetUp(request);
});

test("signs in (telling how many attempts are left after a wrong password) and out", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("sso-login")).toHaveCount(0);

  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).toContainText("Invalid username or password");
  await expect(page.getByTestId("login-error-detail")).toHaveText("4 attempts remaining.");

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.username);

  // Signed in: the login page sends you on.
  await page.goto("/login");
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});
