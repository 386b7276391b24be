import { describe, expect, it } from "vitest";
import type { Container, VM } from "../state/models";
import { filterGuests, groupRows, parseGuestSearch, sortGuests, type Guest } from "./guest-query";

function vm(vmid: number, over: Partial<VM> = {}): VM {
  return {
    id: `demo:${over.node ?? "pve1"}:${vmid}`,
    vmid,
    name: `vm${vmid}`,
    node: "pve1",
    instance: "demo",
    status: "running",
    type: "qemu",
    cpu: 0.1,
    cpus: 2,
    mem: 0,
    maxmem: 0,
    memory: { total: 100, used: 40, free: 60, usage: 40 },
    disk: { total: 100, used: 10, free: 90, usage: 10 },
    networkIn: 0,
    networkOut: 0,
    diskRead: 0,
    diskWrite: 0,
    uptime: 100,
    template: false,
    lastSeen: 0,
    ...over,
  };
}

function ct(vmid: number, over: Partial<Container> = {}): Container {
  return { ...vm(vmid), type: "lxc", ...over } as Container;
}

const guests: Guest[] = [
  vm(100, { name: "web01", tags: "prod,web", cpu: 0.6, ipAddresses: ["10.0.0.5"], osName: "Debian GNU/Linux" }),
  vm(101, { name: "web02", node: "pve2", tags: "staging,web", cpu: 0.2 }),
  ct(200, { name: "dns", node: "pve10", tags: "prod", cpu: 0.05 }),
  vm(102, { name: "db01", status: "stopped", cpu: 0, uptime: 0, disk: { total: 100, used: 0, free: 0, usage: -1 }, lock: "backup" }),
];

const names = (list: Guest[]) => list.map((g) => g.name);

describe("guest search", () => {
  it("parses key:value, comparisons, negation and quoted phrases", () => {
    expect(parseGuestSearch('node:pve1 tag:prod cpu>50 -status:stopped "web 01" name:"my vm"')).toEqual([
      { field: "node", op: ":", values: ["pve1"], negate: false },
      { field: "tag", op: ":", values: ["prod"], negate: false },
      { field: "cpu", op: ">", values: ["50"], negate: false },
      { field: "status", op: ":", values: ["stopped"], negate: true },
      { op: ":", values: ["web 01"], negate: false },
      { field: "name", op: ":", values: ["my vm"], negate: false },
    ]);
    // An unknown key is plain text; a key still being typed filters nothing.
    expect(parseGuestSearch("foo:bar node:")).toEqual([{ op: ":", values: ["foo:bar"], negate: false }]);
  });

  it("matches node and tag exactly, names by substring, numbers by comparison", () => {
    expect(names(filterGuests(guests, {}, "node:pve1"))).toEqual(["web01", "db01"]);
    expect(names(filterGuests(guests, {}, "tag:prod"))).toEqual(["web01", "dns"]);
    expect(names(filterGuests(guests, {}, "node:pve1 tag:prod cpu>50 status:running name:web"))).toEqual(["web01"]);
    expect(names(filterGuests(guests, {}, "cpu<10"))).toEqual(["dns", "db01"]);
    expect(names(filterGuests(guests, {}, "tag:staging,prod type:vm"))).toEqual(["web01", "web02"]);
    expect(names(filterGuests(guests, {}, "-tag:prod"))).toEqual(["web02", "db01"]);
    expect(names(filterGuests(guests, {}, "10.0.0"))).toEqual(["web01"]);
    expect(names(filterGuests(guests, {}, "debian"))).toEqual(["web01"]);
    expect(names(filterGuests(guests, {}, "lock:backup"))).toEqual(["db01"]);
    expect(names(filterGuests(guests, {}, "type:lxc"))).toEqual(["dns"]);
  });

  it("combines the dropdown filters with the search text", () => {
    expect(names(filterGuests(guests, { type: "vm", status: "running" }, ""))).toEqual(["web01", "web02"]);
    expect(names(filterGuests(guests, { tag: "web" }, "node:pve2"))).toEqual(["web02"]);
    // Nothing to filter: the same array comes back (no copy for 3,000 guests).
    expect(filterGuests(guests, {}, "  ")).toBe(guests);
  });
});

describe("guest sorting and grouping", () => {
  it("sorts numbers and names, with unknown values last either way", () => {
    expect(names(sortGuests(guests, "cpu", "desc"))).toEqual(["web01", "web02", "dns", "db01"]);
    expect(names(sortGuests(guests, "cpu", "asc"))).toEqual(["dns", "web02", "web01", "db01"]);
    expect(names(sortGuests(guests, "disk", "asc")).at(-1)).toBe("db01");
    expect(names(sortGuests(guests, "name", "asc"))).toEqual(["db01", "dns", "web01", "web02"]);
    expect(names(sortGuests(guests, "node", "asc"))).toEqual(["web01", "db01", "web02", "dns"]);
  });

  it("puts a header before each node's guests", () => {
    const rows = groupRows(sortGuests(guests, "vmid", "asc"), true);
    expect(rows.map((r) => (r.kind === "group" ? `[${r.node} ${r.running}/${r.count}]` : r.guest.name))).toEqual([
      "[pve1 1/2]", "web01", "db01", "[pve2 1/1]", "web02", "[pve10 1/1]", "dns",
    ]);
  });
});
