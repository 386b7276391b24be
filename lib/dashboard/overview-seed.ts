/**
 * What the server hands the overview for its first paint. A small cluster's whole state
 * goes along (the live connection starts from it). A big one's does not: serializing
 * 3,000 guests into the page costs the server half a second and the browser megabytes of
 * parsing before the first row shows. Then the page gets only the rows the first screen
 * can show, in the requested order, plus the counts around them, and the full state
 * follows over the WebSocket (or `/api/state`) right after hydration.
 */
import { filterGuests, groupRows, guestTags, sortGuests, type Guest, type GuestListRow } from "./guest-query";
import type { StateFrontend } from "../state/models";
import { emptyState } from "../state/snapshot";
import type { OverviewView } from "./overview-view";

/** Above this many guests, the page carries only the first rows. */
export const FULL_SEED_MAX_GUESTS = 300;
/** Rows for the first screen of a tall display, with room to scroll a little. */
export const SEED_ROWS = 60;

export interface NodeGuestCounts {
  total: number;
  running: number;
}

export interface GuestSummary {
  total: number;
  running: number;
  counts: Record<string, NodeGuestCounts>;
  tags: string[];
  statuses: string[];
  nodeNames: string[];
}

export interface PartialGuests extends GuestSummary {
  /** the first rows of the requested view */
  rows: GuestListRow[];
  /** how many guests the view matches */
  shown: number;
  /** the guest of `?guest=`, for the drawer */
  selected?: Guest;
}

export interface OverviewSeed {
  /** the whole state, or (with `partial`) everything but the guest lists */
  state: StateFrontend;
  partial?: PartialGuests;
}

const collator = new Intl.Collator(undefined, { numeric: true });

export function allGuests(state: Pick<StateFrontend, "vms" | "containers">): Guest[] {
  return [...(state.vms ?? []), ...(state.containers ?? [])].filter((g) => !g.template);
}

export function guestCountsByNode(guests: readonly Guest[]): Record<string, NodeGuestCounts> {
  const out: Record<string, NodeGuestCounts> = {};
  for (const g of guests) {
    const c = (out[g.node] ??= { total: 0, running: 0 });
    c.total++;
    if (g.status === "running") c.running++;
  }
  return out;
}

export function summarizeGuests(guests: readonly Guest[], nodes: readonly { node: string }[]): GuestSummary {
  return {
    total: guests.length,
    running: guests.filter((g) => g.status === "running").length,
    counts: guestCountsByNode(guests),
    tags: [...new Set(guests.flatMap(guestTags))].sort(collator.compare),
    statuses: [...new Set(guests.map((g) => g.status))].sort(),
    nodeNames: [...new Set([...nodes.map((n) => n.node), ...guests.map((g) => g.node)])].sort(collator.compare),
  };
}

/** The rows of `view` for these guests: filtered, sorted, grouped. */
export function viewRows(guests: readonly Guest[], view: OverviewView): { rows: GuestListRow[]; shown: number } {
  const sorted = sortGuests(filterGuests(guests, { node: view.node, type: view.type, status: view.status, tag: view.tag }, view.q), view.sort, view.dir);
  return { rows: groupRows(sorted, view.group), shown: sorted.length };
}

export function overviewSeed(state: StateFrontend, view: OverviewView): OverviewSeed {
  const guests = allGuests(state);
  if (guests.length <= FULL_SEED_MAX_GUESTS) return { state };
  const { rows, shown } = viewRows(guests, view);
  return {
    // What the first screen shows besides the guests; the rest comes with the full state.
    state: { ...emptyState(state.lastUpdate), nodes: state.nodes, isDemo: state.isDemo, connectionHealth: state.connectionHealth },
    partial: {
      ...summarizeGuests(guests, state.nodes ?? []),
      rows: rows.slice(0, SEED_ROWS),
      shown,
      selected: view.guest ? guests.find((g) => g.id === view.guest) : undefined,
    },
  };
}
