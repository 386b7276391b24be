import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TOKEN, type Simulator, startSimulator } from "../../sim";
import { startTestServer, type TestServer, waitFor } from "../helpers/server";

/** One Proxmox endpoint going down must not stop the others from updating. */
describe("one endpoint down, the other keeps updating", () => {
  let srv: TestServer;
  let alpha: Simulator;
  let beta: Simulator;

  beforeAll(async () => {
    const opts = { host: "127.0.0.1", port: 0, nodes: 1, guests: 4, clusterName: null, unauthorizedDelayMs: 0, updateIntervalMs: 200 };
    [alpha, beta] = await Promise.all([startSimulator({ ...opts, seed: 1 }), startSimulator({ ...opts, seed: 2 })]);
    srv = await startTestServer();
    for (const [name, sim] of [["alpha", alpha], ["beta", beta]] as const) {
      const res = await srv.fetch("/api/config/nodes", {
        method: "POST",
        body: JSON.stringify({ type: "pve", name, host: sim.url, tokenName: DEFAULT_TOKEN.tokenId, tokenValue: DEFAULT_TOKEN.secret, verifySSL: false }),
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await srv?.stop();
    await Promise.all([alpha?.close(), beta?.close()]);
  });

  const state = async () => (await srv.fetch("/api/state")).json();
  const uptimeOf = (s: { nodes: { instance: string; uptime: number }[] }, inst: string) => s.nodes.find((n) => n.instance === inst)?.uptime ?? -1;

  it("marks only the failing instance unhealthy", async () => {
    await waitFor(async () => {
      const s = await state();
      return s.connectionHealth.alpha === true && s.connectionHealth.beta === true;
    }, 30_000, "both instances healthy");

    alpha.faults.add({ kind: "down" });
    const down = await waitFor(async () => {
      const s = await state();
      return s.connectionHealth.alpha === false ? s : undefined;
    }, 30_000, "alpha unhealthy");
    expect(down.connectionHealth.beta).toBe(true);

    // beta's counters keep moving while alpha stays down.
    const before = uptimeOf(down, "beta");
    const later = await waitFor(async () => {
      const s = await state();
      return uptimeOf(s, "beta") > before ? s : undefined;
    }, 30_000, "beta to keep updating");
    expect(later.connectionHealth.alpha).toBe(false);
    expect(later.nodes.find((n: { instance: string }) => n.instance === "beta").status).toBe("online");
    // alpha's resources are still listed (within Pulse's 60 s grace) rather than dropped.
    expect(later.nodes.some((n: { instance: string }) => n.instance === "alpha")).toBe(true);

    alpha.faults.clear();
    await waitFor(async () => (await state()).connectionHealth.alpha === true, 60_000, "alpha back");
  });

  it("keeps polling the others on schedule while one answers slowly", async () => {
    await waitFor(async () => (await state()).connectionHealth.beta === true, 30_000, "beta healthy");
    const slow = beta.faults.add({ kind: "slow", delayMs: 8000 });
    try {
      // Let the slow poll of beta start, then count alpha's updates while it hangs.
      await new Promise((r) => setTimeout(r, 1000));
      const seen = new Set<number>();
      const until = Date.now() + 4000;
      while (Date.now() < until) {
        seen.add(uptimeOf(await state(), "alpha"));
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(seen.size).toBeGreaterThanOrEqual(3);
    } finally {
      beta.faults.remove(slow);
    }
  });
});
