/**
 * The overview's guest list: search terms (`node:pve1 tag:prod cpu>50 name:web`), the
 * filter dropdowns, sorting and grouping, as pure functions of the live state so the
 * browser can memoize each step on its inputs.
 */
import type { Container, VM } from "../state/models";

export type Guest = VM | Container;

export type GuestSortKey =
  | "name"
  | "vmid"
  | "type"
  | "node"
  | "status"
  | "cpu"
  | "memory"
  | "disk"
  | "diskRead"
  | "diskWrite"
  | "netIn"
  | "netOut"
  | "uptime"
  | "ip"
  | "os"
  | "tags";

export const GUEST_SORT_KEYS: readonly GuestSortKey[] = [
  "name", "vmid", "type", "node", "status", "cpu", "memory", "disk", "diskRead", "diskWrite", "netIn", "netOut", "uptime", "ip", "os", "tags",
];

export type GuestTypeFilter = "vm" | "lxc";

/** The dropdown filters (each empty = all). */
export interface GuestFilters {
  node?: string;
  type?: GuestTypeFilter;
  status?: string;
  tag?: string;
}

type Op = ":" | "=" | ">" | "<" | ">=" | "<=";

export interface SearchTerm {
  /** undefined = free text */
  field?: string;
  op: Op;
  /** lower-cased; a comma-separated list means any of them */
  values: string[];
  negate: boolean;
}

const FIELD_ALIASES: Record<string, string> = {
  name: "name",
  node: "node",
  tag: "tag",
  tags: "tag",
  status: "status",
  state: "status",
  type: "type",
  id: "vmid",
  vmid: "vmid",
  cpu: "cpu",
  mem: "memory",
  memory: "memory",
  ram: "memory",
  disk: "disk",
  ip: "ip",
  os: "os",
  lock: "lock",
  instance: "instance",
  uptime: "uptime",
};

const TERM = /^(-|!)?([a-z]+)(>=|<=|:|=|>|<)(.*)$/i;

/** Splits on whitespace, keeping "double quoted phrases" together. */
function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /(-?!?[a-z]+(?:>=|<=|:|=|>|<))?"([^"]*)"|\S+/gi;
  for (const m of text.matchAll(re)) {
    out.push(m[2] !== undefined ? `${m[1] ?? ""}${m[2]}` : m[0]);
  }
  return out;
}

export function parseGuestSearch(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const token of tokens(text.trim())) {
    const m = TERM.exec(token);
    const field = m ? FIELD_ALIASES[m[2].toLowerCase()] : undefined;
    if (m && field) {
      const values = m[4].toLowerCase().split(",").map((v) => v.trim()).filter(Boolean);
      // "node:" alone (still typing) filters nothing.
      if (values.length) terms.push({ field, op: m[3] as Op, values, negate: Boolean(m[1]) });
      continue;
    }
    const negate = token.length > 1 && token.startsWith("-");
    const value = (negate ? token.slice(1) : token).toLowerCase();
    if (value) terms.push({ op: ":", values: [value], negate });
  }
  return terms;
}

export function typeLabel(g: Guest): "VM" | "LXC" | "OCI" {
  return g.type === "qemu" ? "VM" : g.type === "oci" ? "OCI" : "LXC";
}

export function guestTags(g: Guest): string[] {
  return g.tags ? g.tags.split(/[,;]/).map((t) => t.trim()).filter(Boolean) : [];
}

export function guestIps(g: Guest): string[] {
  if (g.ipAddresses?.length) return g.ipAddresses;
  return g.networkInterfaces?.flatMap((n) => n.addresses ?? []) ?? [];
}

export function guestOs(g: Guest): string {
  const vm = g.type === "qemu" ? (g as VM) : undefined;
  const name = g.osName ?? "";
  return vm?.osVersion ? `${name} ${vm.osVersion}`.trim() : name;
}

/** Numeric value of a metric field in the units a user types: percent for cpu/memory/disk. */
/** Disk usage in percent, when known (-1 means only the allocated size is known). */
function knownDiskUsage(g: Guest): number | undefined {
  return g.disk && g.disk.usage >= 0 ? g.disk.usage : undefined;
}

function metric(g: Guest, field: string): number | undefined {
  switch (field) {
    case "cpu":
      return g.cpu * 100;
    case "memory":
      return g.memory?.usage;
    case "disk":
      return knownDiskUsage(g);
    case "vmid":
      return g.vmid;
    case "uptime":
      return g.uptime;
    default:
      return undefined;
  }
}

function textOf(g: Guest, field: string): string[] {
  switch (field) {
    case "name":
      return [g.name];
    case "node":
      return [g.node];
    case "tag":
      return guestTags(g);
    case "status":
      return [g.status];
    case "type":
      return g.type === "qemu" ? ["vm", "qemu"] : g.type === "oci" ? ["oci", "lxc", "ct", "container"] : ["lxc", "ct", "container"];
    case "vmid":
      return [String(g.vmid)];
    case "ip":
      return guestIps(g);
    case "os":
      return [guestOs(g)];
    case "lock":
      return g.lock ? [g.lock] : [];
    case "instance":
      return [g.instance];
    default:
      return [];
  }
}

/** Exact-match fields: `node:pve1` is not `pve10`, `tag:prod` is not `production`. */
const EXACT = new Set(["node", "tag", "status", "type", "vmid", "lock", "instance"]);

function matchTerm(g: Guest, t: SearchTerm): boolean {
  if (t.field === undefined) {
    const v = t.values[0];
    return (
      g.name.toLowerCase().includes(v) ||
      String(g.vmid).includes(v) ||
      g.node.toLowerCase().includes(v) ||
      (g.tags ?? "").toLowerCase().includes(v) ||
      guestIps(g).some((ip) => ip.includes(v)) ||
      guestOs(g).toLowerCase().includes(v)
    );
  }
  if (t.op !== ":" && t.op !== "=") {
    const n = metric(g, t.field);
    const limit = Number(t.values[0]);
    if (n === undefined || !Number.isFinite(limit)) return false;
    return t.op === ">" ? n > limit : t.op === "<" ? n < limit : t.op === ">=" ? n >= limit : n <= limit;
  }
  const num = metric(g, t.field);
  if (num !== undefined && t.field !== "vmid" && t.field !== "uptime") {
    // `cpu:50` reads as "at least 50 %".
    const limit = Number(t.values[0]);
    return Number.isFinite(limit) && num >= limit;
  }
  const have = textOf(g, t.field).map((s) => s.toLowerCase());
  const exact = EXACT.has(t.field) || t.op === "=";
  return t.values.some((v) => have.some((h) => (exact ? h === v : h.includes(v))));
}

export function matchesSearch(g: Guest, terms: readonly SearchTerm[]): boolean {
  for (const t of terms) if (matchTerm(g, t) === t.negate) return false;
  return true;
}

export function matchesFilters(g: Guest, f: GuestFilters): boolean {
  if (f.node && g.node !== f.node) return false;
  if (f.type === "vm" && g.type !== "qemu") return false;
  if (f.type === "lxc" && g.type === "qemu") return false;
  if (f.status && g.status !== f.status) return false;
  if (f.tag && !guestTags(g).includes(f.tag)) return false;
  return true;
}

export function filterGuests(guests: readonly Guest[], filters: GuestFilters, search: string): Guest[] {
  const terms = parseGuestSearch(search);
  const active = Boolean(filters.node || filters.type || filters.status || filters.tag);
  if (!active && terms.length === 0) return guests as Guest[];
  return guests.filter((g) => matchesFilters(g, filters) && matchesSearch(g, terms));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Sort value; `undefined` sorts last in either direction. */
function sortValue(g: Guest, key: GuestSortKey): number | string | undefined {
  switch (key) {
    case "name":
      return g.name;
    case "vmid":
      return g.vmid;
    case "type":
      return typeLabel(g);
    case "node":
      return g.node;
    case "status":
      return g.status;
    case "cpu":
      return g.status === "running" ? g.cpu : undefined;
    case "memory":
      return g.memory?.usage;
    case "disk":
      return knownDiskUsage(g);
    case "diskRead":
      return g.diskRead;
    case "diskWrite":
      return g.diskWrite;
    case "netIn":
      return g.networkIn;
    case "netOut":
      return g.networkOut;
    case "uptime":
      return g.uptime || undefined;
    case "ip":
      return guestIps(g)[0];
    case "os":
      return guestOs(g) || undefined;
    case "tags":
      return g.tags || undefined;
  }
}

export function sortGuests(guests: readonly Guest[], key: GuestSortKey, dir: "asc" | "desc"): Guest[] {
  const sign = dir === "asc" ? 1 : -1;
  // Decorate once: 3,000 guests sort in a couple of milliseconds.
  const rows = guests.map((g) => ({ g, v: sortValue(g, key) }));
  rows.sort((a, b) => {
    if (a.v === undefined || b.v === undefined) {
      if (a.v !== b.v) return a.v === undefined ? 1 : -1;
    } else {
      const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      if (c !== 0) return c * sign;
    }
    return a.g.vmid - b.g.vmid || collator.compare(a.g.node, b.g.node);
  });
  return rows.map((r) => r.g);
}

export type GuestListRow = { kind: "group"; node: string; count: number; running: number } | { kind: "guest"; guest: Guest };

/** Flat rows for the table; with grouping, a header row before each node's guests. */
export function groupRows(guests: readonly Guest[], byNode: boolean): GuestListRow[] {
  if (!byNode) return guests.map((guest) => ({ kind: "guest", guest }));
  const groups = new Map<string, Guest[]>();
  for (const g of guests) {
    const list = groups.get(g.node);
    if (list) list.push(g);
    else groups.set(g.node, [g]);
  }
  const rows: GuestListRow[] = [];
  for (const node of [...groups.keys()].sort(collator.compare)) {
    const list = groups.get(node) ?? [];
    rows.push({ kind: "group", node, count: list.length, running: list.filter((g) => g.status === "running").length });
    for (const guest of list) rows.push({ kind: "guest", guest });
  }
  return rows;
}
