import { describe, expect, it } from "vitest";
import { startSimulator } from "./index";
import { get } from "./test-helpers";

describe("large cluster", () => {
  it("serves /cluster/resources for 50 nodes and 3000 guests, cached between refreshes", async () => {
    const sim = await startSimulator({ unauthorizedDelayMs: 0, nodes: 50, guests: 3000, updateIntervalMs: 3_600_000 });
    try {
      const a = await get(sim, "/cluster/resources?type=vm");
      expect(a.status).toBe(200);
      expect(a.json.data).toHaveLength(3000);
      expect(new Set(a.json.data.map((g: { node: string }) => g.node)).size).toBe(50);
      const b = await get(sim, "/cluster/resources?type=vm");
      expect(b.text).toBe(a.text);
      sim.advance(10);
      const c = await get(sim, "/cluster/resources?type=vm");
      expect(c.text).not.toBe(a.text);
      const nodes = (await get(sim, "/nodes")).json.data;
      expect(nodes).toHaveLength(50);
      // Guests on a node fit its hardware.
      for (const n of nodes) expect(n.mem).toBeLessThan(n.maxmem);
      const last = a.json.data[a.json.data.length - 1];
      expect((await get(sim, `/nodes/${last.node}/${last.type}/${last.vmid}/status/current`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe("per-node addresses", () => {
  it("binds each node on its own loopback address with its own certificate", async () => {
    const sim = await startSimulator({ unauthorizedDelayMs: 0, perNodeAddresses: true, guests: 6 });
    try {
      expect(sim.host).toBe("127.0.0.10");
      const status = (await get(sim, "/cluster/status")).json.data.filter((e: { type: string }) => e.type === "node");
      expect(status.map((e: { ip: string }) => e.ip)).toEqual(["127.0.0.10", "127.0.0.11", "127.0.0.12"]);
      const nodes = (await get(sim, "/nodes")).json.data;
      const fps = new Set(nodes.map((n: { ssl_fingerprint: string }) => n.ssl_fingerprint));
      expect(fps.size).toBe(3);
      expect(nodes[0].ssl_fingerprint).toBe(sim.fingerprint);

      const second = `https://127.0.0.11:${sim.port}`;
      const local = (await get(second, "/cluster/status")).json.data.find((e: { local: number }) => e.local === 1);
      expect(local.name).toBe("pve2");

      const id = sim.faults.add({ kind: "node-offline", node: "pve2" });
      await expect(get(second, "/version")).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|ECONNRESET/) });
      expect((await get(sim, "/nodes/pve2/status")).status).toBe(595);
      sim.faults.remove(id);
      expect((await get(second, "/nodes/pve2/status")).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
