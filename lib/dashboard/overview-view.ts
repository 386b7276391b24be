/**
 * The overview's view settings (filters, search, sort, grouping, columns, open guest),
 * kept in the URL query so a view can be shared and survives a reload.
 */
import { GUEST_SORT_KEYS, type GuestSortKey, type GuestTypeFilter } from "./guest-query";

export type ColumnId = "name" | "vmid" | "type" | "node" | "cpu" | "memory" | "disk" | "diskRead" | "diskWrite" | "netIn" | "netOut" | "uptime" | "ip" | "os" | "tags";

export interface ColumnDef {
  id: ColumnId;
  label: string;
  sort: GuestSortKey;
  /** CSS grid track */
  track: string;
  /** smallest width the track takes, px */
  min: number;
  /** dropped first on narrow screens when low */
  priority: number;
  align?: "right";
  /** numbers read best largest-first */
  defaultDir?: "asc" | "desc";
}

export const COLUMNS: ColumnDef[] = [
  { id: "name", label: "Name", sort: "name", track: "minmax(120px,2.2fr)", min: 120, priority: 100 },
  { id: "vmid", label: "ID", sort: "vmid", track: "52px", min: 52, priority: 80 },
  { id: "type", label: "Type", sort: "type", track: "48px", min: 48, priority: 70 },
  { id: "node", label: "Node", sort: "node", track: "minmax(64px,0.8fr)", min: 64, priority: 75 },
  { id: "cpu", label: "CPU", sort: "cpu", track: "minmax(96px,1.1fr)", min: 96, priority: 95, defaultDir: "desc" },
  { id: "memory", label: "Memory", sort: "memory", track: "minmax(96px,1.1fr)", min: 96, priority: 90, defaultDir: "desc" },
  { id: "disk", label: "Disk", sort: "disk", track: "minmax(96px,1.1fr)", min: 96, priority: 85, defaultDir: "desc" },
  { id: "diskRead", label: "Disk read", sort: "diskRead", track: "minmax(68px,0.75fr)", min: 68, priority: 32, align: "right", defaultDir: "desc" },
  { id: "diskWrite", label: "Disk write", sort: "diskWrite", track: "minmax(68px,0.75fr)", min: 68, priority: 31, align: "right", defaultDir: "desc" },
  { id: "netIn", label: "Net in", sort: "netIn", track: "minmax(68px,0.75fr)", min: 68, priority: 34, align: "right", defaultDir: "desc" },
  { id: "netOut", label: "Net out", sort: "netOut", track: "minmax(68px,0.75fr)", min: 68, priority: 33, align: "right", defaultDir: "desc" },
  { id: "uptime", label: "Uptime", sort: "uptime", track: "64px", min: 64, priority: 60, align: "right", defaultDir: "desc" },
  { id: "ip", label: "IP", sort: "ip", track: "minmax(96px,1fr)", min: 96, priority: 50 },
  { id: "os", label: "OS", sort: "os", track: "minmax(96px,1fr)", min: 96, priority: 20 },
  { id: "tags", label: "Tags", sort: "tags", track: "minmax(96px,1.2fr)", min: 96, priority: 55 },
];

const COLUMN_IDS = new Set<string>(COLUMNS.map((c) => c.id));

export interface OverviewView {
  q: string;
  node?: string;
  type?: GuestTypeFilter;
  status?: string;
  tag?: string;
  sort: GuestSortKey;
  dir: "asc" | "desc";
  /** group rows under their node (Pulse's default "grouped" view) */
  group: boolean;
  /** chosen columns; undefined = as many as fit, by priority */
  cols?: ColumnId[];
  /** the guest whose drawer is open */
  guest?: string;
}

export const DEFAULT_VIEW: OverviewView = { q: "", sort: "vmid", dir: "asc", group: true };

type Params = Record<string, string | string[] | undefined>;

function one(p: Params, key: string): string | undefined {
  const v = p[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s.slice(0, 500) : undefined;
}

export function parseView(params: Params): OverviewView {
  const sort = one(params, "sort");
  const type = one(params, "type");
  const cols = one(params, "cols")
    ?.split(",")
    .filter((c): c is ColumnId => COLUMN_IDS.has(c));
  return {
    q: one(params, "q") ?? "",
    node: one(params, "node"),
    type: type === "vm" || type === "lxc" ? type : undefined,
    status: one(params, "status"),
    tag: one(params, "tag"),
    sort: sort && (GUEST_SORT_KEYS as readonly string[]).includes(sort) ? (sort as GuestSortKey) : DEFAULT_VIEW.sort,
    dir: one(params, "dir") === "desc" ? "desc" : "asc",
    group: one(params, "group") !== "none",
    cols: cols?.length ? (cols.includes("name") ? cols : ["name", ...cols]) : undefined,
    guest: one(params, "guest"),
  };
}

const VIEW_KEYS = ["q", "node", "type", "status", "tag", "sort", "dir", "group", "cols", "guest"];

/**
 * The query string for `view` (defaults left out). Other parameters of `current` stay
 * (a kiosk `token`, `oidc=success` after a sign-in).
 */
export function viewQuery(view: OverviewView, current = ""): string {
  const p = new URLSearchParams(current);
  for (const key of VIEW_KEYS) p.delete(key);
  if (view.q) p.set("q", view.q);
  if (view.node) p.set("node", view.node);
  if (view.type) p.set("type", view.type);
  if (view.status) p.set("status", view.status);
  if (view.tag) p.set("tag", view.tag);
  if (view.sort !== DEFAULT_VIEW.sort || view.dir !== DEFAULT_VIEW.dir) {
    p.set("sort", view.sort);
    p.set("dir", view.dir);
  }
  if (!view.group) p.set("group", "none");
  if (view.cols) p.set("cols", view.cols.join(","));
  if (view.guest) p.set("guest", view.guest);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** Horizontal padding of a row and the gap between its cells, px. */
export const ROW_PADDING = 28;
export const CELL_GAP = 12;

/** Columns shown: the chosen ones, or by priority as many as fit a table `width` px wide. */
export function visibleColumns(cols: ColumnId[] | undefined, width: number): ColumnDef[] {
  if (cols) return COLUMNS.filter((c) => cols.includes(c.id));
  const shown = new Set(COLUMNS.map((c) => c.id));
  const byPriority = [...COLUMNS].sort((a, b) => a.priority - b.priority);
  const room = width - ROW_PADDING + CELL_GAP;
  let total = COLUMNS.reduce((sum, c) => sum + c.min + CELL_GAP, 0);
  for (const c of byPriority) {
    if (total <= room || c.id === "name") break;
    shown.delete(c.id);
    total -= c.min + CELL_GAP;
  }
  return COLUMNS.filter((c) => shown.has(c.id));
}
