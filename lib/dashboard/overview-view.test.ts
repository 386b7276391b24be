import { describe, expect, it } from "vitest";
import type { StateFrontend, VM } from "../state/models";
import { emptyState } from "../state/snapshot";
import { FULL_SEED_MAX_GUESTS, overviewSeed, SEED_ROWS } from "./overview-seed";
import { COLUMNS, DEFAULT_VIEW, parseView, viewQuery, visibleColumns } from "./overview-view";

describe("overview view in the URL", () => {
  it("round-trips every setting and leaves defaults out", () => {
    const view = parseView({ q: "tag:prod cpu>50", node: "pve1", type: "lxc", status: "running", tag: "web", sort: "cpu", dir: "desc", group: "none", cols: "cpu,vmid", guest: "demo:pve1:100" });
    expect(view).toEqual({ q: "tag:prod cpu>50", node: "pve1", type: "lxc", status: "running", tag: "web", sort: "cpu", dir: "desc", group: false, cols: ["name", "cpu", "vmid"], guest: "demo:pve1:100" });
    expect(parseView(Object.fromEntries(new URLSearchParams(viewQuery(view))))).toEqual(view);
    expect(viewQuery(DEFAULT_VIEW)).toBe("");
  });

  it("ignores values it does not know, and keeps other parameters (a kiosk token)", () => {
    expect(parseView({ sort: "nope", type: "docker", dir: "sideways", cols: "bogus" })).toEqual(DEFAULT_VIEW);
    const q = viewQuery({ ...DEFAULT_VIEW, node: "pve2" }, "?token=abc&node=pve1&oidc=success");
    expect(new URLSearchParams(q).get("token")).toBe("abc");
    expect(new URLSearchParams(q).get("oidc")).toBe("success");
    expect(new URLSearchParams(q).getAll("node")).toEqual(["pve2"]);
  });

  it("fits columns to the width by priority, name always, and shows chosen ones as they are", () => {
    const all = visibleColumns(undefined, 5000);
    expect(all).toHaveLength(COLUMNS.length);
    const phone = visibleColumns(undefined, 366).map((c) => c.id);
    expect(phone).toEqual(["name", "cpu", "memory"]);
    expect(visibleColumns(undefined, 10).map((c) => c.id)).toEqual(["name"]);
    expect(visibleColumns(["name", "os", "tags"], 366).map((c) => c.id)).toEqual(["name", "os", "tags"]);
  });
});

function bigState(guests: number): StateFrontend {
  const s = emptyState(1234);
  s.nodes = [{ node: "pve1" }, { node: "pve2" }] as StateFrontend["nodes"];
  s.storage = [{ id: "x" }] as StateFrontend["storage"];
  s.vms = Array.from({ length: guests }, (_, i) => ({
    id: `demo:pve${(i % 2) + 1}:${100 + i}`,
    vmid: 100 + i,
    name: `vm${i}`,
    node: `pve${(i % 2) + 1}`,
    status: i % 3 === 0 ? "stopped" : "running",
    type: "qemu",
    cpu: i / guests,
    tags: i % 5 === 0 ? "prod" : undefined,
    template: false,
  })) as VM[];
  return s;
}

describe("the overview's first-paint seed", () => {
  it("carries a small cluster's whole state", () => {
    const state = bigState(FULL_SEED_MAX_GUESTS);
    expect(overviewSeed(state, DEFAULT_VIEW)).toEqual({ state });
  });

  it("carries only the first rows of the requested view of a big one, with the counts around them", () => {
    const state = bigState(3000);
    const seed = overviewSeed(state, { ...DEFAULT_VIEW, sort: "cpu", dir: "desc", group: false, q: "tag:prod", guest: "demo:pve1:2900" });
    expect(seed.state.vms).toEqual([]);
    expect(seed.state.storage).toEqual([]);
    expect(seed.state.nodes).toHaveLength(2);
    expect(seed.state.lastUpdate).toBe(1234);
    const p = seed.partial!;
    expect(p.total).toBe(3000);
    expect(p.running).toBe(2000);
    expect(p.counts).toEqual({ pve1: { total: 1500, running: 1000 }, pve2: { total: 1500, running: 1000 } });
    expect(p.tags).toEqual(["prod"]);
    expect(p.statuses).toEqual(["running", "stopped"]);
    expect(p.shown).toBe(600);
    expect(p.rows).toHaveLength(SEED_ROWS);
    const first = p.rows.map((r) => (r.kind === "guest" ? r.guest.name : r.node));
    // Busiest first among the prod-tagged running guests (stopped ones sort last).
    expect(first.slice(0, 3)).toEqual(["vm2995", "vm2990", "vm2980"]);
    expect(p.selected?.vmid).toBe(2900);
  });
});
