import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestServer, type TestServer, waitFor } from "../helpers/server";

/**
 * `/simple-stats`: the plain-HTML status page. It shows the demo cluster to callers with
 * monitoring:read, escapes names coming from the cluster, and shows nothing without them.
 */
describe("simple stats page", () => {
  let srv: TestServer;
  let simUrl: string;
  let readerToken: string;
  let settingsToken: string;
  const insecure = new Agent({ connect: { rejectUnauthorized: false } });
  const asHtml = { Accept: "text/html,application/xhtml+xml" };

  /** The demo simulator's control API (self-signed TLS, loopback). */
  async function sim(path: string, body: unknown): Promise<void> {
    const res = await undiciFetch(`${simUrl}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" }, dispatcher: insecure });
    expect(res.status, await res.text()).toBe(200);
  }

  async function token(name: string, scopes: string[]): Promise<string> {
    const res = await srv.fetch("/api/security/tokens", { method: "POST", body: JSON.stringify({ name, scopes }), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    return (await res.json()).token;
  }

  beforeAll(async () => {
    const simPort = await freePort();
    simUrl = `https://127.0.0.1:${simPort}`;
    srv = await startTestServer({ PULSE_SIM_PORT: String(simPort) });
    readerToken = await token("wall-display", ["monitoring:read"]);
    settingsToken = await token("settings-only", ["settings:read"]);
    await waitFor(async () => (await (await srv.fetch("/api/state")).json()).nodes?.length > 0, 30_000, "the demo state");
  });
  afterAll(async () => {
    await srv?.stop();
    await insecure.close();
  });

  it("shows counts, nodes, top guests and storage from the live state", async () => {
    const state = await (await srv.fetch("/api/state")).json();
    const res = await srv.fetch("/simple-stats", { headers: asHtml });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<meta http-equiv="refresh" content="10">');
    for (const n of state.nodes) expect(html).toContain(`data-node="${n.node}"`);
    const online = state.nodes.filter((n: { status: string }) => n.status === "online").length;
    expect(html).toContain(`<b>${online}/${state.nodes.length}</b>nodes online`);
    expect(html).toMatch(/<b>\d+\/\d+<\/b>guests running/);
    expect(html).toContain('id="top-guests"');
    expect(html).toContain(`<td>${state.storage[0].storage}</td>`);
    expect(html).not.toMatch(/<script/i);
  });

  it("escapes a guest name carrying markup", async () => {
    const state = await (await srv.fetch("/api/state")).json();
    const victim = state.vms.find((g: { status: string }) => g.status === "running");
    await sim(`/_sim/guests/${victim.vmid}/name`, { name: `<script>alert("pwned")</script><img src=x onerror=alert(1)>` });
    await sim(`/_sim/guests/${victim.vmid}/cpu`, { cpu: 0.99 });
    const html = await waitFor(async () => {
      const text = await (await srv.fetch("/simple-stats")).text();
      return text.includes("&lt;script&gt;") && text;
    }, 30_000, "the renamed guest on the page");
    expect(html).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
  });

  it("accepts a read-only token in the query string, as a wall display would", async () => {
    const res = await srv.fetch(`/simple-stats?token=${readerToken}`, { auth: false, headers: asHtml });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("nodes online");
  });

  it("shows nothing without credentials: an HTML sign-in page for browsers, the JSON error for API clients", async () => {
    const state = await (await srv.fetch("/api/state")).json();
    const page = await srv.fetch("/simple-stats", { auth: false, headers: asHtml });
    expect(page.status).toBe(401);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Sign-in required");
    expect(html).not.toContain("http-equiv");
    for (const n of state.nodes) expect(html).not.toContain(n.node);

    const api = await srv.fetch("/simple-stats", { auth: false });
    expect(api.status).toBe(401);
    expect((await api.json()).code).toBe("unauthorized");

    const badToken = await srv.fetch("/simple-stats?token=not-a-real-token", { auth: false, headers: asHtml });
    expect(badToken.status).toBe(401);

    const noScope = await srv.fetch("/simple-stats", { headers: { ...asHtml, "X-API-Token": settingsToken } });
    expect(noScope.status).toBe(403);
    const denied = await noScope.text();
    expect(denied).toContain("No access to monitoring data");
    expect(denied).toContain("monitoring:read");
    for (const n of state.nodes) expect(denied).not.toContain(`data-node="${n.node}"`);
  });
});
