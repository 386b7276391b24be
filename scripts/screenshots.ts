/**
 * `npm run screenshots`: the overview as README shows it. Starts the production server
 * (demo cluster) on a temp data dir, signs in, waits for live data with rates, and writes
 * docs/screenshots/overview-desktop.png (1440×900, light), overview-phone.png (390×844)
 * and overview-dark.png (1440×900, dark). Needs a build (`npm run build`) and Debian's
 * Chromium (CHROMIUM_PATH to override). SCREENSHOTS_EXTRA_DIR=<dir> also captures the
 * drawer, the phone's guest table and menu there, for reviewing the design.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import { ROOT, startTestServer, waitFor } from "../tests/helpers/server";

const OUT = path.join(ROOT, "docs", "screenshots");
const USER = { username: "admin", password: "screenshots-password-1" };
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface Shot {
  file: string;
  width: number;
  height: number;
  theme: "light" | "dark";
  mobile?: boolean;
}

const SHOTS: Shot[] = [
  { file: "overview-desktop.png", width: 1440, height: 900, theme: "light" },
  { file: "overview-phone.png", width: 390, height: 844, theme: "light", mobile: true },
  { file: "overview-dark.png", width: 1440, height: 900, theme: "dark" },
];

async function signedInContext(browser: Browser, baseURL: string, shot: Shot): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: shot.width, height: shot.height },
    deviceScaleFactor: shot.mobile ? 2 : 1,
    isMobile: shot.mobile,
    hasTouch: shot.mobile,
    colorScheme: shot.theme,
  });
  await context.addInitScript((theme) => localStorage.setItem("pulse-theme", theme), shot.theme);
  const res = await context.request.post("/api/login", { data: USER });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  return context;
}

async function main(): Promise<void> {
  const server = await startTestServer({ PULSE_AUTH_USER: USER.username, PULSE_AUTH_PASS: USER.password, PULSE_POLL_INTERVAL_MS: "2000" });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    // Two polls at least, so disk and network rates have values.
    await waitFor(async () => {
      const state = await (await server.fetch("/api/state")).json();
      return state.nodes?.length > 0 && state.vms?.some((g: { networkIn: number }) => g.networkIn > 0);
    }, 60_000, "live data with rates");
    // A custom URL, so a row shows its link icon.
    const state = await (await server.fetch("/api/state")).json();
    const web = state.vms.find((g: { name: string }) => g.name === "web01") ?? state.vms[0];
    await server.fetch(`/api/guests/metadata/${encodeURIComponent(web.id)}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ customUrl: "https://web01.lab.example:8443", notes: ["Public site; deploys from CI on merge."] }),
    });

    mkdirSync(OUT, { recursive: true });
    for (const shot of SHOTS) {
      const context = await signedInContext(browser, server.url, shot);
      const page = await context.newPage();
      await page.goto("/");
      await page.getByTestId("guest-row").first().waitFor();
      await page.locator('[data-testid="connection-status"][data-status="live"]').waitFor({ timeout: 20_000 }).catch(() => {});
      // Let the bars settle after the first live update.
      await page.waitForTimeout(1500);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.join(OUT, shot.file) });
      console.log(`wrote docs/screenshots/${shot.file}`);
      const extra = process.env.SCREENSHOTS_EXTRA_DIR;
      if (extra) {
        const name = shot.file.replace(/\.png$/, "");
        mkdirSync(extra, { recursive: true });
        await page.getByTestId("guest-table").scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(extra, `${name}-table.png`) });
        await page.locator(`[data-testid="guest-row"][data-guest="${web.id}"]`).click();
        await page.getByTestId("note-item").first().waitFor();
        await page.screenshot({ path: path.join(extra, `${name}-drawer.png`) });
        await page.keyboard.press("Escape");
        if (shot.mobile) {
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.getByTestId("menu-button").click();
          await page.screenshot({ path: path.join(extra, `${name}-menu.png`) });
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
