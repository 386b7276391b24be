import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, expect, type Locator, type Page, request as playwrightRequest, test } from "@playwright/test";
import { startTestServer, TEST_TOKEN, type TestServer, waitFor } from "../tests/helpers/server";
import { E2E_SIM_PORT, ensureSetUp, signIn } from "./helpers";

/**
 * The live overview in Chromium against the e2e server's demo cluster. The tests share
 * one signed-in page (sign-in attempts are rate limited per address).
 */
test.describe.configure({ mode: "serial" });

let context: BrowserContext;
let page: Page;
/** Uncaught errors in the page, hydration mismatches included (React reports them as errors). */
const pageErrors: string[] = [];

const rows = (p: Page = page) => p.getByTestId("guest-row");
const row = (vmid: number, p: Page = page) => p.locator(`[data-testid="guest-row"][data-vmid="${vmid}"]`);

async function cellTexts(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((els) => els.map((e) => (e.textContent ?? "").trim()));
}

function percent(text: string): number {
  const m = /(\d+(?:\.\d+)?)%/.exec(text);
  return m ? Number(m[1]) : -1;
}

test.beforeAll(async ({ browser, request }, info) => {
  await ensureSetUp(request);
  context = await browser.newContext({ baseURL: info.project.use.baseURL, viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await signIn(page);
});

test.afterAll(async () => {
  await context?.close();
});

test("shows the simulator's cluster and follows a guest's CPU live, without reloading", async () => {
  await page.goto("/");
  await expect(page.getByTestId("node-row")).toHaveCount(3, { timeout: 30_000 });
  expect(await rows().count()).toBeGreaterThan(10);
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-status", "live", { timeout: 20_000 });
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-reason", "Live");

  // A marker that a reload would wipe.
  await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
  const cpu = row(100).getByTestId("guest-cpu");
  await expect(cpu).toBeVisible();
  expect(percent((await cpu.textContent()) ?? "")).toBeLessThan(90);

  const sim = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
  const res = await sim.post(`https://127.0.0.1:${E2E_SIM_PORT}/_sim/guests/100/cpu`, { data: { cpu: 0.93 } });
  expect(res.status()).toBe(200);
  await sim.dispose();

  await expect.poll(async () => percent((await cpu.textContent()) ?? ""), { timeout: 20_000 }).toBeGreaterThanOrEqual(90);
  expect(percent((await cpu.textContent()) ?? "")).toBeLessThanOrEqual(96);
  expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
});

test("filters, searches with key:value terms and sorts; the view is kept in the URL", async () => {
  await page.goto("/");
  await expect(rows().first()).toBeVisible();
  const total = await rows().count();

  // key:value search
  await page.getByTestId("guest-search").fill("tag:prod");
  await expect(page).toHaveURL(/[?&]q=tag%3Aprod/);
  const tagged = await cellTexts(rows().getByTestId("guest-tags"));
  expect(tagged.length).toBeGreaterThan(0);
  expect(tagged.length).toBeLessThan(total);
  for (const t of tagged) expect(t).toContain("prod");

  await page.getByTestId("guest-search").fill("node:pve2 status:running");
  await expect.poll(async () => (await cellTexts(rows().getByTestId("guest-node"))).every((n) => n === "pve2")).toBe(true);
  const statuses = await rows().evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(["running"]));

  // Comparison on a metric, and free text.
  await page.getByTestId("guest-search").fill("cpu>200");
  await expect(page.getByTestId("guests-empty")).toContainText("No guests match");
  await page.getByTestId("guest-search").fill("web01");
  await expect(rows()).toHaveCount(1);

  // Dropdown filter.
  await page.getByTestId("guest-search").fill("");
  await page.getByTestId("filter-type").selectOption("lxc");
  await expect(page).toHaveURL(/[?&]type=lxc/);
  await expect.poll(async () => new Set(await cellTexts(rows().getByTestId("guest-type")))).toEqual(new Set(["LXC"]));
  await page.getByTestId("clear-filters").click();
  await expect(rows()).toHaveCount(total);

  // Sort by CPU (busiest first) in a flat list.
  await page.getByTestId("group-toggle").click();
  await expect(page.getByTestId("guest-group")).toHaveCount(0);
  await page.getByTestId("sort-cpu").click();
  await expect(page).toHaveURL(/sort=cpu&dir=desc/);
  const cpus = (await cellTexts(rows().getByTestId("guest-cpu"))).map(percent).filter((v) => v >= 0);
  expect(cpus.length).toBeGreaterThan(5);
  // Values move between reads; the order the table shows was taken from one state.
  expect(cpus).toEqual([...cpus].sort((a, b) => b - a));
  await page.getByTestId("sort-name").click();
  const names = await rows().evaluateAll((els) => els.map((e) => e.getAttribute("data-name") ?? ""));
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" })));

  // A shared link restores the view.
  await page.getByTestId("guest-search").fill("tag:prod");
  await expect(page).toHaveURL(/q=tag%3Aprod/);
  await page.reload();
  await expect(page.getByTestId("guest-search")).toHaveValue("tag:prod");
  await expect(page.getByTestId("sort-name")).toContainText("▲");
  await expect(page.getByTestId("guest-group")).toHaveCount(0);

  // Column toggles.
  await page.getByTestId("columns-button").click();
  await page.getByTestId("column-toggle-vmid").uncheck();
  await expect(page.getByTestId("guest-vmid")).toHaveCount(0);
  await expect(page).toHaveURL(/cols=/);
  await page.goto("/");
});

test("opens a guest in the drawer (deep-linkable, Esc closes) and saves a note", async () => {
  await page.goto("/");
  await row(100).click();
  const drawer = page.getByTestId("guest-drawer");
  await expect(drawer).toBeVisible();
  const id = await drawer.getAttribute("data-guest");
  expect(id).toMatch(/:100$/);
  await expect(drawer.getByTestId("drawer-guest-id")).toHaveText(id ?? "");
  await expect(drawer.getByTestId("drawer-disks")).toBeVisible();
  await expect(drawer.getByTestId("drawer-network")).toContainText(/\d+\.\d+\.\d+\.\d+/);
  await expect(page).toHaveURL(new RegExp(`guest=${encodeURIComponent(id ?? "")}`));
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(page).not.toHaveURL(/guest=/);

  await page.goto(`/?guest=${encodeURIComponent(id ?? "")}`);
  await expect(drawer).toBeVisible();
  const note = `Patched on ${Date.now()}`;
  await drawer.getByTestId("note-input").fill(note);
  await drawer.getByTestId("metadata-url").fill("https://web01.example.test/");
  await drawer.getByTestId("metadata-save").click();
  await expect(drawer.getByTestId("metadata-status")).toHaveText("Saved");
  await page.reload();
  await expect(drawer.getByTestId("note-item").filter({ hasText: note })).toBeVisible();
  await expect(drawer.getByTestId("metadata-url")).toHaveValue("https://web01.example.test/");
  await drawer.getByTestId("drawer-close").click();
  await expect(drawer).toBeHidden();
  // The custom URL shows as a link beside the name.
  await expect(row(100).getByTestId("guest-link")).toHaveAttribute("href", "https://web01.example.test/");
});

test("switches the theme (class on <html>, remembered)", async () => {
  await page.goto("/");
  const html = page.locator("html");
  await page.getByTestId("theme-dark").click();
  await expect(html).toHaveClass(/(^|\s)dark(\s|$)/);
  await page.reload();
  await expect(html).toHaveClass(/(^|\s)dark(\s|$)/);
  await page.getByTestId("theme-light").click();
  await expect(html).not.toHaveClass(/(^|\s)dark(\s|$)/);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.getByTestId("theme-system").click();
  await expect(html).toHaveClass(/(^|\s)dark(\s|$)/);
  await page.emulateMedia({ colorScheme: "light" });
  await expect(html).not.toHaveClass(/(^|\s)dark(\s|$)/);
});

test("fits a 390×844 phone without horizontal scrolling; the nav collapses into a menu", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await expect(rows().first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByTestId("main-nav")).toBeHidden();
  await page.getByTestId("menu-button").click();
  await expect(page.getByTestId("mobile-menu").getByRole("link", { name: "Storage" })).toBeVisible();
  await page.getByTestId("menu-button").click();
  // The drawer takes the screen.
  await rows().first().click();
  await expect(page.getByTestId("guest-drawer")).toBeVisible();
  const width = await page.getByTestId("guest-drawer").evaluate((e) => e.getBoundingClientRect().width);
  expect(width).toBeLessThanOrEqual(390);
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 1440, height: 900 });
});

test("says when live updates are blocked, and keeps the data fresh by polling", async ({ browser }, info) => {
  test.setTimeout(60_000);
  const blocked = await browser.newContext({ baseURL: info.project.use.baseURL, storageState: await context.storageState() });
  // A reverse proxy that does not forward WebSockets.
  await blocked.routeWebSocket(/\/ws\?/, (ws) => ws.close());
  const p = await blocked.newPage();
  await p.goto("/");
  await expect(p.getByTestId("connection-status")).toHaveAttribute("data-status", "polling", { timeout: 15_000 });
  await expect(p.getByTestId("connection-banner")).toHaveText("Live updates blocked — is your reverse proxy forwarding WebSockets? Polling every 10 s");

  const sim = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
  expect((await sim.post(`https://127.0.0.1:${E2E_SIM_PORT}/_sim/guests/103/cpu`, { data: { cpu: 0.77 } })).status()).toBe(200);
  await sim.dispose();
  const cpu = row(103, p).getByTestId("guest-cpu");
  await expect.poll(async () => percent((await cpu.textContent()) ?? ""), { timeout: 30_000, intervals: [1000] }).toBeGreaterThanOrEqual(74);
  await blocked.close();
});

test("raised no errors in the page (hydration included)", () => {
  expect(pageErrors).toEqual([]);
});

test.describe("a server of its own", () => {
  const USER = { username: "noteadmin", password: "note-admin-password-1" };
  let dataDir: string;
  let srv: TestServer | undefined;

  test.beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "pulse-e2e-notes-"));
  });
  test.afterAll(async () => {
    await srv?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<TestServer> {
    srv = await startTestServer({ PULSE_DATA_DIR: dataDir, PULSE_AUTH_USER: USER.username, PULSE_AUTH_PASS: USER.password });
    return srv;
  }

  async function guestId(s: TestServer): Promise<string> {
    return waitFor(async () => {
      const state = await (await s.fetch("/api/state")).json();
      return state.vms?.find((g: { vmid: number }) => g.vmid === 100)?.id as string | undefined;
    }, 30_000, "the demo cluster");
  }

  async function signedInPage(browser: Browser, s: TestServer): Promise<Page> {
    const ctx = await browser.newContext({ baseURL: s.url });
    const res = await ctx.request.post("/api/login", { data: USER });
    expect(res.ok()).toBe(true);
    return ctx.newPage();
  }

  test("a note saved in the drawer is still there after the server restarts; a kiosk viewer reads it", async ({ browser }) => {
    test.setTimeout(120_000);
    let s = await start();
    const id = await guestId(s);
    let p = await signedInPage(browser, s);
    await p.goto(`/?guest=${encodeURIComponent(id)}`);
    const note = "Survives restarts";
    await p.getByTestId("note-input").fill(note);
    await p.getByTestId("metadata-save").click();
    await expect(p.getByTestId("metadata-status")).toHaveText("Saved");
    await p.context().close();

    await s.stop();
    s = await start();
    p = await signedInPage(browser, s);
    await p.goto(`/?guest=${encodeURIComponent(id)}`);
    await expect(p.getByTestId("guest-drawer").getByTestId("note-item").filter({ hasText: note })).toBeVisible();
    await p.context().close();

    // Kiosk: read-only `?token=`, no editor.
    const kiosk = await browser.newContext({ baseURL: s.url });
    const k = await kiosk.newPage();
    await k.goto(`/?token=${TEST_TOKEN}&guest=${encodeURIComponent(id)}`);
    await expect(k.getByTestId("metadata-readonly").getByTestId("note-item")).toHaveText(note);
    await expect(k.getByTestId("metadata-editor")).toHaveCount(0);
    await expect(k.getByTestId("connection-status")).toHaveAttribute("data-status", "live", { timeout: 20_000 });
    await kiosk.close();
  });
});
