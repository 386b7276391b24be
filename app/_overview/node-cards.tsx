"use client";
import { memo, useState } from "react";
import type { Node } from "@/lib/state/models";
import { formatBytes, formatUptime } from "../_components/format";
import { StatusDot, UsageBar } from "./primitives";
import type { NodeGuestCounts } from "@/lib/dashboard/overview-seed";

function shortVersion(pveVersion: string): string {
  // "pve-manager/9.0.10/deb1ca707ec72a89" → "PVE 9.0.10"
  const m = /pve-manager\/([\d.]+)/.exec(pveVersion);
  return m ? `PVE ${m[1]}` : pveVersion;
}

const NodeCard = memo(function NodeCard({ n, counts, active, onPick }: { n: Node; counts?: NodeGuestCounts; active: boolean; onPick: (node: string) => void }) {
  const online = n.status === "online";
  const mem = n.memory;
  const disk = n.disk;
  return (
    <button
      type="button"
      onClick={() => onPick(n.node)}
      aria-pressed={active}
      title={active ? `Showing ${n.name} only — click to show all nodes` : `Show only ${n.name}'s guests`}
      data-testid="node-row"
      data-node={n.node}
      data-status={n.status}
      className={`group flex min-w-0 flex-col gap-3 rounded-xl border bg-white px-3 py-2.5 text-left shadow-sm transition-all hover:shadow-md sm:p-4 dark:bg-gray-900/60 ${
        active ? "border-teal-500 ring-2 ring-teal-500/25 dark:border-teal-400" : "border-gray-200 hover:border-gray-300 dark:border-white/10 dark:hover:border-white/20"
      }`}
    >
      {/* Phones: one line per node (name and three bars); wider: a card. */}
      <div className="flex w-full items-center gap-3 sm:block">
        <div className="flex w-20 shrink-0 items-start justify-between gap-2 sm:mb-3 sm:w-full">
          <div className="min-w-0">
            <div className="flex items-center gap-2">
              <StatusDot status={online ? "online" : "offline"} />
              <span className="truncate font-semibold text-gray-900 dark:text-white">{n.displayName || n.name}</span>
            </div>
            <div className="mt-0.5 hidden truncate pl-4 text-xs text-gray-500 sm:block dark:text-gray-400">
              {shortVersion(n.pveVersion)}
              {n.clusterName ? ` · ${n.clusterName}` : ""}
            </div>
          </div>
          <div className="hidden shrink-0 text-right text-xs text-gray-500 sm:block dark:text-gray-400">
            <div className="font-medium tabular-nums text-gray-700 dark:text-gray-300">{online ? formatUptime(n.uptime) : "offline"}</div>
            <div>uptime</div>
          </div>
        </div>

        <div className="grid min-w-0 flex-1 grid-cols-3 gap-3" data-testid="node-cpu">
          <div>
            <div className="mb-1 hidden text-[11px] font-medium uppercase tracking-wide text-gray-400 sm:block dark:text-gray-500">CPU</div>
            <UsageBar percent={online ? n.cpu * 100 : 0} muted={!online} detail="cpu" detailClass="uppercase sm:hidden" />
          </div>
          <div>
            <div className="mb-1 hidden text-[11px] font-medium uppercase tracking-wide text-gray-400 sm:block dark:text-gray-500">Memory</div>
            <UsageBar percent={online ? (mem?.usage ?? 0) : 0} muted={!online} detail="mem" detailClass="uppercase sm:hidden" />
          </div>
          <div>
            <div className="mb-1 hidden text-[11px] font-medium uppercase tracking-wide text-gray-400 sm:block dark:text-gray-500">Disk</div>
            <UsageBar percent={online ? (disk?.usage ?? 0) : 0} muted={!online} detail="disk" detailClass="uppercase sm:hidden" />
          </div>
        </div>
      </div>

      <div className="hidden w-full flex-wrap items-center justify-between gap-x-3 gap-y-1 border-t sm:flex border-gray-100 pt-2.5 text-xs text-gray-500 dark:border-white/5 dark:text-gray-400">
        <span title="Load average (1, 5, 15 min)" className="tabular-nums">
          Load {n.loadAverage?.length ? n.loadAverage.map((l) => l.toFixed(2)).join(" ") : "—"}
        </span>
        <span className="tabular-nums">
          {mem ? `${formatBytes(mem.used)} / ${formatBytes(mem.total)}` : ""}
        </span>
        <span className="tabular-nums">
          {counts ? (
            <>
              <span className="font-medium text-gray-700 dark:text-gray-300">{counts.running}</span>/{counts.total} guests
            </>
          ) : (
            "no guests"
          )}
        </span>
      </div>
    </button>
  );
});

/** One line per node (name, three bars): big clusters and phones. */
const NodeChip = memo(function NodeChip({ n, counts, active, onPick }: { n: Node; counts?: NodeGuestCounts; active: boolean; onPick: (node: string) => void }) {
  const online = n.status === "online";
  return (
    <button
      type="button"
      onClick={() => onPick(n.node)}
      aria-pressed={active}
      title={`${n.name} · ${shortVersion(n.pveVersion)} · up ${formatUptime(n.uptime)}${counts ? ` · ${counts.running}/${counts.total} guests running` : ""}`}
      data-testid="node-row"
      data-node={n.node}
      data-status={n.status}
      className={`flex min-w-0 items-center gap-3 rounded-lg border bg-white px-3 py-2 text-left shadow-sm transition-colors dark:bg-gray-900/60 ${
        active ? "border-teal-500 ring-2 ring-teal-500/25 dark:border-teal-400" : "border-gray-200 hover:border-gray-300 dark:border-white/10 dark:hover:border-white/20"
      }`}
    >
      <span className="flex w-20 shrink-0 items-center gap-2">
        <StatusDot status={online ? "online" : "offline"} />
        <span className="truncate text-sm font-semibold text-gray-900 dark:text-white">{n.displayName || n.name}</span>
      </span>
      <span className="grid min-w-0 flex-1 grid-cols-3 gap-2.5" data-testid="node-cpu">
        <UsageBar percent={online ? n.cpu * 100 : 0} muted={!online} detail="cpu" detailClass="uppercase" />
        <UsageBar percent={online ? (n.memory?.usage ?? 0) : 0} muted={!online} detail="mem" detailClass="uppercase" />
        <UsageBar percent={online ? (n.disk?.usage ?? 0) : 0} muted={!online} detail="disk" detailClass="uppercase" />
      </span>
    </button>
  );
});

/** Cards up to this many nodes; past it, one line each, and only the first rows until asked. */
const CARD_LIMIT = 6;
const COLLAPSED_CHIPS = 10;

export function NodeCards({ nodes, counts, activeNode, onPick }: { nodes: Node[]; counts: Record<string, NodeGuestCounts>; activeNode?: string; onPick: (node: string) => void }) {
  const [expanded, setExpanded] = useState(false);
  if (nodes.length === 0) return null;
  if (nodes.length <= CARD_LIMIT) {
    return (
      <section aria-label="Nodes" className="grid grid-cols-1 gap-2 sm:grid-cols-2 sm:gap-3 xl:grid-cols-3" data-testid="node-cards">
        {nodes.map((n) => (
          <NodeCard key={n.id} n={n} counts={counts[n.node]} active={activeNode === n.node} onPick={onPick} />
        ))}
      </section>
    );
  }
  // Keep the picked node in view even when collapsed.
  const shown = expanded ? nodes : nodes.filter((n, i) => i < COLLAPSED_CHIPS || n.node === activeNode);
  return (
    <section aria-label="Nodes" data-testid="node-cards">
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4 2xl:grid-cols-5">
        {shown.map((n) => (
          <NodeChip key={n.id} n={n} counts={counts[n.node]} active={activeNode === n.node} onPick={onPick} />
        ))}
      </div>
      {nodes.length > COLLAPSED_CHIPS && (
        <button
          type="button"
          onClick={() => setExpanded((e) => !e)}
          aria-expanded={expanded}
          className="mt-2 text-sm font-medium text-teal-700 hover:underline dark:text-teal-300"
          data-testid="nodes-toggle"
        >
          {expanded ? "Show fewer nodes" : `Show all ${nodes.length} nodes`}
        </button>
      )}
    </section>
  );
}
