"use client";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { formatClock } from "../_components/format";
import { apiJson } from "../_lib/api-client";
import { useLiveState } from "../_lib/live-state";
import { GuestDrawer, type GuestMetadata } from "./guest-drawer";
import { GuestTable } from "./guest-table";
import { NodeCards } from "./node-cards";
import { allGuests, type OverviewSeed, summarizeGuests, viewRows } from "@/lib/dashboard/overview-seed";
import { Toolbar } from "./toolbar";
import { type ColumnDef, type OverviewView, viewQuery, visibleColumns } from "@/lib/dashboard/overview-view";

const collator = new Intl.Collator(undefined, { numeric: true });

function Stat({ label, value, tone = "" }: { label: string; value: React.ReactNode; tone?: string }) {
  return (
    <div className="flex items-baseline gap-1.5">
      <span className={`text-base font-semibold tabular-nums ${tone}`}>{value}</span>
      <span className="text-xs text-gray-500 dark:text-gray-400">{label}</span>
    </div>
  );
}

/** The same array while its content is the same, so memoized children skip re-rendering. */
function useStable(list: string[]): string[] {
  const key = list.join("\n");
  return useMemo(() => list, [key]);
}

/** Custom URLs from the guests' metadata, for the link icon beside a name. */
function useGuestLinks(token?: string): Record<string, string> {
  const { data } = useQuery({
    queryKey: ["guest-metadata-all"],
    queryFn: async () => {
      const res = await apiJson<Record<string, GuestMetadata>>(`/api/guests/metadata${token ? `?token=${encodeURIComponent(token)}` : ""}`);
      return res.ok && res.data && typeof res.data === "object" ? res.data : {};
    },
    staleTime: 60_000,
  });
  return useMemo(() => {
    const links: Record<string, string> = {};
    for (const [id, m] of Object.entries(data ?? {})) if (m?.customUrl) links[id] = m.customUrl;
    return links;
  }, [data]);
}

export interface OverviewProps {
  seed: OverviewSeed;
  initialView: OverviewView;
  canWrite: boolean;
  token?: string;
}

/**
 * Pulse's Proxmox overview: node cards and the guest table, following the live state.
 * Each derived list is memoized on exactly its inputs, so a state update re-filters and
 * re-sorts once, and only rows whose guest changed re-render.
 */
export function Overview({ seed, initialView, canWrite, token }: OverviewProps) {
  // A whole state seeds the live connection; a partial one only paints until it arrives.
  const live = useLiveState(seed.partial ? undefined : seed.state);
  const state = live.state ?? seed.state;
  const partial = live.state ? undefined : seed.partial;
  const [view, setView] = useState(initialView);
  const [tableWidth, setTableWidth] = useState(1400);

  // The view lives in the URL (shareable); replaceState does not re-render the server page.
  useEffect(() => {
    const { pathname, search } = window.location;
    const next = viewQuery(view, search);
    if (next !== search) window.history.replaceState(window.history.state, "", `${pathname}${next}`);
  }, [view]);

  const change = useCallback((patch: Partial<OverviewView>) => setView((v) => ({ ...v, ...patch })), []);
  const onOpen = useCallback((id: string) => setView((v) => ({ ...v, guest: v.guest === id ? undefined : id })), []);
  const onClose = useCallback(() => setView((v) => ({ ...v, guest: undefined })), []);
  const onTag = useCallback((tag: string) => setView((v) => ({ ...v, tag: v.tag === tag ? undefined : tag })), []);
  const onNode = useCallback((node: string) => setView((v) => ({ ...v, node: v.node === node ? undefined : node })), []);
  const onSort = useCallback(
    (c: ColumnDef) => setView((v) => (v.sort === c.sort ? { ...v, dir: v.dir === "asc" ? "desc" : "asc" } : { ...v, sort: c.sort, dir: c.defaultDir ?? "asc" })),
    [],
  );
  const onWidth = useCallback((w: number) => setTableWidth(w), []);

  const { vms, containers } = state;
  const guests = useMemo(() => allGuests({ vms, containers }), [vms, containers]);
  const { node, type, status, tag, q, sort, dir, group } = view;
  // Each step recomputes only when its own inputs change.
  const listView = useMemo(() => ({ node, type, status, tag, q, sort, dir, group }), [node, type, status, tag, q, sort, dir, group]);
  const computed = useMemo(() => viewRows(guests, listView), [guests, listView]);
  const rows = partial ? partial.rows : computed.rows;
  const shownCount = partial ? partial.shown : computed.shown;
  const columns = useMemo(() => visibleColumns(view.cols, tableWidth), [view.cols, tableWidth]);

  const nodes = useMemo(() => [...(state.nodes ?? [])].sort((a, b) => collator.compare(a.name, b.name)), [state.nodes]);
  const nodeStatus = useMemo(() => Object.fromEntries(nodes.map((n) => [n.node, n.status])), [nodes]);
  const computedSummary = useMemo(() => summarizeGuests(guests, nodes), [guests, nodes]);
  const summary = partial ?? computedSummary;
  const { counts } = summary;
  // Dropdown choices change rarely: keep their identity while their content is the same.
  const tags = useStable(summary.tags);
  const statuses = useStable(summary.statuses);
  const nodeNames = useStable(summary.nodeNames);

  const selected = useMemo(
    () => (view.guest ? (guests.find((g) => g.id === view.guest) ?? (partial?.selected?.id === view.guest ? partial.selected : undefined)) : undefined),
    [guests, view.guest, partial],
  );
  const links = useGuestLinks(token);

  const online = nodes.filter((n) => n.status === "online").length;
  const filteredOut = summary.total > 0 && shownCount === 0;

  return (
    <main className="mx-auto max-w-[1800px] space-y-4 px-3 py-4 sm:px-6 sm:py-5" data-testid="overview">
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
        <h1 className="text-xl font-semibold tracking-tight">Overview</h1>
        {state.isDemo && (
          <span className="rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-400/15 dark:text-amber-200" data-testid="demo-badge">
            Demo cluster (simulated)<span className="hidden sm:inline"> — add a Proxmox node to monitor your own</span>
          </span>
        )}
        <div className="flex flex-wrap items-center gap-x-5 gap-y-1">
          <Stat label={online === nodes.length ? "nodes online" : `of ${nodes.length} nodes online`} value={online} tone={online < nodes.length ? "text-red-600 dark:text-red-400" : ""} />
          <Stat label="guests" value={summary.total} />
          <Stat label="running" value={summary.running} tone="text-emerald-600 dark:text-emerald-400" />
        </div>
        <span className="ml-auto text-xs text-gray-500 dark:text-gray-400" data-testid="last-update" suppressHydrationWarning>
          {state.lastUpdate && state.nodes?.length ? `Updated ${formatClock(state.lastUpdate)}` : "Waiting for the first poll…"}
        </span>
      </div>

      <NodeCards nodes={nodes} counts={counts} activeNode={view.node} onPick={onNode} />

      <section aria-label="Guests" className="space-y-2.5">
        <div className="flex items-center gap-3">
          <h2 className="text-sm font-semibold text-gray-900 dark:text-gray-100">Guests</h2>
          <span className="text-xs tabular-nums text-gray-500 dark:text-gray-400" data-testid="guest-count">
            {shownCount === summary.total ? `${summary.total}` : `${shownCount} of ${summary.total}`}
          </span>
        </div>
        <Toolbar view={view} nodes={nodeNames} tags={tags} statuses={statuses} visibleColumns={columns} shown={shownCount} total={summary.total} onChange={change} />
        <GuestTable
          rows={rows}
          guestCount={shownCount}
          columns={columns}
          sort={view.sort}
          dir={view.dir}
          selectedId={view.guest}
          links={links}
          nodeStatus={nodeStatus}
          onSort={onSort}
          onOpen={onOpen}
          onTag={onTag}
          onNode={onNode}
          onWidth={onWidth}
          empty={
            filteredOut ? (
              <>
                No guests match these filters.{" "}
                <button
                  type="button"
                  className="font-medium text-teal-700 hover:underline dark:text-teal-300"
                  onClick={() => change({ q: "", node: undefined, type: undefined, status: undefined, tag: undefined })}
                >
                  Clear filters
                </button>
              </>
            ) : state.nodes?.length ? (
              "No guests on these nodes."
            ) : (
              "Waiting for the first poll…"
            )
          }
        />
      </section>

      {selected && <GuestDrawer guest={selected} link={links[selected.id]} canWrite={canWrite} token={token} onClose={onClose} onTag={onTag} />}
    </main>
  );
}
