import { describe, expect, it } from "vitest";
import type { Node, Storage, VM } from "../state/models";
import { emptyState } from "../state/snapshot";
import { escapeHtml, renderSignInRequired, renderSimpleStats } from "./render";

const node = (name: string, status: Node["status"] = "online") =>
  ({ id: `demo-${name}`, node: name, name, displayName: name, status, cpu: 0.25, memory: { usage: 50 }, disk: { usage: 95 } }) as Node;
const vm = (vmid: number, name: string, cpu: number, status = "running") =>
  ({ id: `demo:pve1:${vmid}`, vmid, name, node: "pve1", type: "qemu", status, cpu, memory: { usage: 10 }, template: false }) as VM;

describe("simple stats page", () => {
  const evil = `<script>alert("x")</script>&'`;
  const state = {
    ...emptyState(1_700_000_000_000),
    nodes: [node("pve1"), node("pve2", "offline")],
    vms: [vm(100, evil, 0.9), vm(101, "db01", 0.5), vm(102, "idle", 0, "stopped")],
    storage: [{ id: "demo-pve1-local", storage: "local", name: "local", node: "pve1", instance: "demo", type: "dir", status: "available", total: 100, used: 85, avail: 15, free: 15, usage: 85, content: "iso", shared: false, enabled: true, active: true } as Storage],
  };
  const html = renderSimpleStats(state, 1_700_000_005_000);

  it("counts nodes and guests, lists nodes, top guests and storage", () => {
    expect(html).toContain('<meta http-equiv="refresh" content="10">');
    expect(html).toMatch(/<b>1\/2<\/b>nodes online/);
    expect(html).toMatch(/<b>2\/3<\/b>guests running/);
    expect(html).toContain('data-node="pve1"');
    expect(html).toContain("95.0%");
    expect(html.indexOf("db01")).toBeGreaterThan(html.indexOf("&lt;script&gt;"));
    expect(html).not.toContain("idle");
    expect(html).toMatch(/<td>local<\/td>.*85\.0%/s);
    expect(html).toContain("(5 s ago)");
  });

  it("escapes names from the monitored systems", () => {
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
    expect(escapeHtml(`a<b>"c"&'d'`)).toBe("a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;");
  });

  it("has a sign-in page that shows no data and does not refresh", () => {
    const page = renderSignInRequired("Needs <b>you</b>");
    expect(page).toContain("Sign-in required");
    expect(page).toContain("Needs &lt;b&gt;you&lt;/b&gt;");
    expect(page).not.toContain("http-equiv");
  });
});
