/**
 * The overview's first render in headless Chromium (Debian's /usr/bin/chromium, the flags
 * of playwright.config.ts): from navigation start to the first guest rows on screen.
 *
 * Method: an init script, run before the page's own scripts, watches the DOM from the
 * first byte. `firstRenderMs` is the Element Timing `renderTime` of the first guest row
 * (the rows carry `elementtiming="guest-row"`: the time of the frame that painted it,
 * relative to navigation start). Where Element Timing reports nothing, it falls back to
 * the first animation frame after a laid-out row was attached (MutationObserver), which
 * is at most a frame earlier than the paint. The overview server-renders its first rows
 * with the snapshot, so this is mostly HTML transfer and parse; hydration comes after.
 * `rows` is the number of guests the table holds (`data-rows`; it is virtualized, so the
 * DOM has only the visible ones). Each run uses a fresh browser with an empty cache.
 *
 * Run alone (`tsx bench/overview-render.ts`) it starts a 3,000-guest server of its own.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Runs in the page before its own scripts. A string, not a function: a bundler's helpers
 * (tsx names functions with `__name`) do not exist in the page.
 */
const MARK_FIRST_ROW = `(() => {
  const marks = (window.__overviewMarks = {});
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.identifier === "guest-row" && marks.elementTiming === undefined) marks.elementTiming = e.renderTime || e.loadTime || e.startTime;
      }
    }).observe({ type: "element", buffered: true });
  } catch (e) {}
  const mo = new MutationObserver(() => {
    const row = document.querySelector('[data-testid="guest-row"]');
    if (!row || row.getBoundingClientRect().height === 0) return;
    mo.disconnect();
    const table = document.querySelector('[data-testid="guest-table"]');
    marks.rows = Number((table && table.getAttribute("data-rows")) || 0);
    requestAnimationFrame(() => { if (marks.frame === undefined) marks.frame = performance.now(); });
  });
  mo.observe(document, { childList: true, subtree: true });
})();`;

interface Marks {
  elementTiming?: number;
  frame?: number;
  rows?: number;
}

export async function measureOverviewRender(baseUrl: string, token: string): Promise<{ firstRenderMs: number; rows: number }> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(MARK_FIRST_ROW);
    await page.goto(`${baseUrl}/?token=${encodeURIComponent(token)}`, { waitUntil: "commit", timeout: 120_000 });
    await page.waitForFunction(() => (window as unknown as { __overviewMarks: Marks }).__overviewMarks.frame !== undefined, undefined, { timeout: 120_000 });
    // Element Timing entries are delivered shortly after the paint.
    const marks = await page
      .waitForFunction(() => {
        const m = (window as unknown as { __overviewMarks: Marks }).__overviewMarks;
        return m.elementTiming !== undefined ? m : undefined;
      }, undefined, { timeout: 3000 })
      .then((h) => h.jsonValue() as Promise<Marks>)
      .catch(() => page.evaluate(() => (window as unknown as { __overviewMarks: Marks }).__overviewMarks));
    const firstRenderMs = marks.elementTiming ?? marks.frame ?? NaN;
    return { firstRenderMs: Math.round(firstRenderMs * 10) / 10, rows: marks.rows ?? 0 };
  } finally {
    await browser.close();
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { startTestServer, waitFor } = await import("../tests/helpers/server");
  const guests = Number(process.env.BENCH_GUESTS ?? 3000);
  const server = await startTestServer({ PULSE_SIM_NODES: process.env.BENCH_NODES ?? "50", PULSE_SIM_GUESTS: String(guests), PULSE_POLL_INTERVAL_MS: "10000" });
  try {
    await waitFor(async () => {
      const state = await (await server.fetch("/api/state")).json();
      // Templates are not listed: a few short of the simulator's count.
      return state.vms.length + state.containers.length >= guests * 0.95;
    }, 120_000, `${guests} guests in the state`);
    for (let i = 0; i < 3; i++) console.log(await measureOverviewRender(server.url, server.token));
  } finally {
    await server.stop();
  }
}
