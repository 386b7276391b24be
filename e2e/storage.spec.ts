import { expect, type Page, test } from "@playwright/test";
import { ADMIN, ensureSetUp, signIn } from "./helpers";

test.beforeAll(async ({ request }) => {
  await ensureSetUp(request);
});

const rows = (page: Page) => page.getByTestId("storage-row");

async function usages(page: Page): Promise<number[]> {
  return rows(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-usage"))));
}

test("lists storage pools, busiest first, with shared storage as one row, and filters them", async ({ page }) => {
  await signIn(page);
  await page.goto("/storage");
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  expect(await rows(page).count()).toBeGreaterThanOrEqual(4);

  // Sorted by usage, highest first.
  const shown = await usages(page);
  expect(shown).toEqual([...shown].sort((a, b) => b - a));

  // A shared NFS storage is one row naming its nodes.
  const nfs = rows(page).and(page.locator('[data-storage="nfs-backup"]'));
  await expect(nfs).toHaveCount(1);
  expect((await nfs.getAttribute("data-nodes"))?.split(",").length).toBeGreaterThan(1);
  await expect(nfs.getByTestId("storage-shared")).toHaveText("Yes");

  // Text search.
  await page.getByTestId("storage-search").fill("nfs");
  await page.getByTestId("storage-search").press("Enter");
  await expect(page).toHaveURL(/[?&]q=nfs/);
  const names = await rows(page).evaluateAll((els) => els.map((e) => `${e.getAttribute("data-storage")} ${e.textContent}`.toLowerCase()));
  expect(names.length).toBeGreaterThan(0);
  for (const n of names) expect(n).toContain("nfs");
  await page.getByTestId("storage-clear").click();
  await expect(page).toHaveURL(/\/storage$/);

  // Node filter: every row left is on that node (shared ones included).
  const node = await page.getByTestId("storage-node-filter").locator("option").nth(2).getAttribute("value");
  expect(node).toBeTruthy();
  const before = await rows(page).count();
  await page.getByTestId("storage-node-filter").selectOption(node!);
  await page.getByTestId("storage-apply").click();
  await expect(page).toHaveURL(new RegExp(`[?&]node=${node}`));
  const nodesOfRows = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-nodes")?.split(",") ?? []));
  expect(nodesOfRows.length).toBeGreaterThan(0);
  expect(nodesOfRows.length).toBeLessThan(before);
  for (const nodes of nodesOfRows) expect(nodes).toContain(node);

  // Sorting by name from the column header.
  await page.getByTestId("storage-sort-name").click();
  await expect(page).toHaveURL(/sort=name/);
  const sortedNames = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-storage") ?? ""));
  expect(sortedNames).toEqual([...sortedNames].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" })));
});

test("fits a phone screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await page.goto("/storage");
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  await expect(rows(page).first().getByTestId("storage-usage")).toBeVisible();
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(fits).toBe(true);
});

test("works as a read-only kiosk with ?token=", async ({ browser, request, baseURL }) => {
  const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
  const res = await request.post("/api/security/tokens", { headers: { Authorization: basic }, data: { name: "storage-kiosk", scopes: ["monitoring:read"] } });
  expect(res.status()).toBe(200);
  const { token } = await res.json();

  // A fresh context: no session cookie, only the token.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(`/storage?token=${token}`);
  await expect(page).toHaveURL(/\/storage\?token=/);
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

  // Filtering keeps the token, so the kiosk stays signed in.
  await page.getByTestId("storage-search").fill("local");
  await page.getByTestId("storage-search").press("Enter");
  await expect(page).toHaveURL(/q=local/);
  await expect(page).toHaveURL(/token=/);
  await expect(rows(page).first()).toBeVisible();

  // Without the token it is back to the sign-in page.
  await page.goto("/storage");
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});
