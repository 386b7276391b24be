import { describe, expect, it } from "vitest";
import type { StateFrontend } from "../state/models";
import { buildResources } from "../state/resources";
import { emptyState } from "../state/snapshot";
import type { PublishedState } from "../state/store";
import { realtimeSnapshot } from "./snapshot";

function published(): PublishedState {
  const state: StateFrontend = emptyState(1_700_000_000_000);
  state.nodes.push({
    id: "pve-n1", node: "n1", name: "n1", displayName: "n1", instance: "pve", host: "https://10.0.0.1:8006", status: "online", type: "node",
    cpu: 0.25, mem: 1, maxmem: 4, maxdisk: 10, uptime: 5, loadAverage: [0.1], kernelVersion: "6.8", pveVersion: "8.3",
    cpuInfo: { model: "x", cores: 4, sockets: 1, mhz: "3000" }, lastSeen: 1, connectionHealth: "healthy",
  });
  return { state, json: JSON.stringify(state), source: "worker" };
}

describe("realtimeSnapshot", () => {
  it("is the state plus resources[], with JSON composed from the worker's bytes", () => {
    const p = published();
    const snap = realtimeSnapshot(p);
    expect(snap.data).toEqual({ ...p.state, resources: buildResources(p.state) });
    expect(JSON.parse(snap.json!)).toEqual(JSON.parse(JSON.stringify(snap.data)));
    expect(snap.json!.startsWith(p.json.slice(0, -1))).toBe(true);
    // Built once per snapshot and shared with /api/resources.
    expect(p.resources).toBe((snap.data as StateFrontend).resources);
    expect(realtimeSnapshot(p)).toBe(snap);
  });
});
