"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useLayoutEffect, useRef } from "react";
import { guestIps, guestOs, guestTags, typeLabel, type Guest, type GuestListRow, type GuestSortKey } from "@/lib/dashboard/guest-query";
import type { DiskStatusReason, VM } from "@/lib/state/models";
import { formatBytes, formatRateShort, formatUptime } from "../_components/format";
import { DetailRow, HoverCard, LockBadge, StatusDot, TagChip, UsageBar } from "./primitives";
import type { ColumnDef, ColumnId } from "@/lib/dashboard/overview-view";

export const ROW_HEIGHT = 46;
const GROUP_HEIGHT = 36;

export const DISK_REASON: Record<DiskStatusReason, string> = {
  "vm-stopped": "The VM is not running",
  "agent-disabled": "The QEMU guest agent is disabled in the VM's options",
  "agent-not-running": "The guest agent is not running inside the VM",
  "agent-timeout": "The guest agent did not answer in time",
  "permission-denied": "Permission denied: the API token needs VM.GuestAgent.Audit (PVE 9) or VM.Monitor (PVE 8)",
  "agent-error": "The guest agent reported an error",
  "no-filesystems": "The guest agent reported no filesystems",
  "special-filesystems-only": "Only special filesystems were reported",
  "no-agent": "No guest agent data",
  "no-status": "No status data",
};

const useIsoLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

const UNITS: [number, string][] = [
  [1024 ** 4, "T"],
  [1024 ** 3, "G"],
  [1024 ** 2, "M"],
];

function inUnit(bytes: number, [size]: [number, string]): string {
  const v = bytes / size;
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function unitFor(bytes: number): [number, string] {
  return UNITS.find(([size]) => bytes >= size) ?? UNITS[2];
}

/** "16G", "512M" */
function gb(bytes: number): string {
  const u = unitFor(bytes);
  return `${inUnit(bytes, u).replace(/\.0$/, "")}${u[1]}`;
}

/** "3.6/8.0G": used and total in the total's unit, short enough for a table cell. */
function usedOf(used: number, total: number): string {
  const u = unitFor(total);
  return `${inUnit(used, u)}/${inUnit(total, u)}${u[1]}`;
}

export function CpuCell({ g }: { g: Guest }) {
  if (g.status !== "running") return <span className="text-xs text-gray-400 dark:text-gray-500">—</span>;
  return <UsageBar percent={g.cpu * 100} detail={`${g.cpus} ${g.cpus === 1 ? "core" : "cores"}`} />;
}

export function MemoryCell({ g }: { g: Guest }) {
  const m = g.memory;
  if (!m || g.status !== "running") return <span className="text-xs text-gray-400 dark:text-gray-500">{m ? gb(m.total) : "—"}</span>;
  const extra = m.balloon || m.swapTotal;
  const bar = <UsageBar percent={m.usage} detail={usedOf(m.used, m.total)} />;
  if (!extra) return bar;
  return (
    <HoverCard
      testId="memory-detail"
      content={
        <div className="min-w-44">
          <DetailRow label="Used" value={`${formatBytes(m.used)} of ${formatBytes(m.total)}`} />
          {m.balloon ? <DetailRow label="Balloon" value={formatBytes(m.balloon)} /> : null}
          {m.swapTotal ? <DetailRow label="Swap" value={`${formatBytes(m.swapUsed ?? 0)} of ${formatBytes(m.swapTotal)}`} /> : null}
        </div>
      }
    >
      {bar}
    </HoverCard>
  );
}

export function DiskCell({ g }: { g: Guest }) {
  const d = g.disk;
  if (!d || d.total <= 0) return <span className="text-xs text-gray-400 dark:text-gray-500">—</span>;
  if (d.usage < 0) {
    const reason = (g as VM).diskStatusReason;
    return (
      <HoverCard
        testId="disk-detail"
        content={
          <div className="max-w-64">
            <div className="font-medium">{formatBytes(d.total)} allocated (usage inside the guest unknown)</div>
            <div className="mt-0.5 text-gray-500 dark:text-gray-400">{reason ? DISK_REASON[reason] ?? reason : "Usage inside the guest is unknown"}</div>
          </div>
        }
      >
        <div className="min-w-0" data-disk-reason={reason}>
          <div className="flex items-baseline justify-between gap-1.5 text-xs leading-4">
            <span className="truncate text-[11px] text-gray-500 dark:text-gray-400">allocated only</span>
          </div>
          <div className="mt-1 h-1.5 rounded-full border border-dashed border-gray-300 dark:border-white/15" />
        </div>
      </HoverCard>
    );
  }
  const bar = <UsageBar percent={d.usage} detail={usedOf(d.used, d.total)} />;
  const disks = g.disks ?? [];
  if (disks.length === 0) return bar;
  return (
    <HoverCard
      testId="disk-detail"
      content={
        <div className="min-w-56 space-y-1.5">
          {disks.map((disk, i) => (
            <div key={`${disk.mountpoint}-${i}`}>
              <div className="flex justify-between gap-3">
                <span className="truncate font-medium">{disk.mountpoint || disk.device || `disk ${i}`}</span>
                <span className="tabular-nums text-gray-500 dark:text-gray-400">{Math.round(disk.usage)}%</span>
              </div>
              <div className="text-[11px] text-gray-500 dark:text-gray-400">
                {formatBytes(disk.used)} of {formatBytes(disk.total)}
                {disk.type ? ` · ${disk.type}` : ""}
              </div>
            </div>
          ))}
        </div>
      }
    >
      {bar}
      {disks.length > 1 && <span className="sr-only">{disks.length} disks</span>}
    </HoverCard>
  );
}

function Rate({ value }: { value: number }) {
  const s = formatRateShort(value);
  return <span className={`text-xs tabular-nums ${s === "0" ? "text-gray-400 dark:text-gray-600" : "text-gray-700 dark:text-gray-300"}`}>{s}</span>;
}

function Cell({ col, g, onTag, link }: { col: ColumnId; g: Guest; onTag: (tag: string) => void; link?: string }) {
  switch (col) {
    case "name":
      return (
        <div className="flex min-w-0 items-center gap-2">
          <StatusDot status={g.status} />
          <span className="truncate font-medium text-gray-900 dark:text-gray-100">
            {g.name}
          </span>
          {link && (
            <a
              href={link}
              target="_blank"
              rel="noopener noreferrer"
              onClick={(e) => e.stopPropagation()}
              className="shrink-0 text-gray-400 hover:text-teal-600 dark:hover:text-teal-400"
              title={`Open ${link}`}
              data-testid="guest-link"
            >
              <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden>
                <path strokeLinecap="round" d="M9 3h4v4M13 3 7.5 8.5M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3" />
              </svg>
            </a>
          )}
          {g.lock && <LockBadge lock={g.lock} compact />}
        </div>
      );
    case "vmid":
      return <span className="text-xs tabular-nums text-gray-600 dark:text-gray-400">{g.vmid}</span>;
    case "type": {
      const t = typeLabel(g);
      return (
        <span
          className={`rounded px-1.5 py-px text-[10px] font-semibold tracking-wide ${
            t === "VM" ? "bg-blue-50 text-blue-700 dark:bg-blue-400/15 dark:text-blue-300" : "bg-green-50 text-green-700 dark:bg-green-400/15 dark:text-green-300"
          }`}
        >
          {t}
        </span>
      );
    }
    case "node":
      return <span className="truncate text-xs text-gray-700 dark:text-gray-300">{g.node}</span>;
    case "cpu":
      return <CpuCell g={g} />;
    case "memory":
      return <MemoryCell g={g} />;
    case "disk":
      return <DiskCell g={g} />;
    case "diskRead":
      return <Rate value={g.diskRead} />;
    case "diskWrite":
      return <Rate value={g.diskWrite} />;
    case "netIn":
      return <Rate value={g.networkIn} />;
    case "netOut":
      return <Rate value={g.networkOut} />;
    case "uptime":
      return <span className="text-xs tabular-nums text-gray-600 dark:text-gray-400">{g.status === "running" ? formatUptime(g.uptime) : "—"}</span>;
    case "ip": {
      const ips = guestIps(g);
      if (!ips.length) return <span className="text-xs text-gray-400 dark:text-gray-600">—</span>;
      return (
        <span className="truncate font-mono text-[11px] text-gray-700 dark:text-gray-300" title={ips.join("\n")}>
          {ips[0]}
          {ips.length > 1 && <span className="ml-1 text-gray-400">+{ips.length - 1}</span>}
        </span>
      );
    }
    case "os": {
      const os = guestOs(g);
      return <span className="truncate text-xs text-gray-600 dark:text-gray-400" title={os}>{os || "—"}</span>;
    }
    case "tags": {
      const tags = guestTags(g);
      return (
        <div className="flex min-w-0 gap-1 overflow-hidden">
          {tags.map((t) => (
            <TagChip key={t} tag={t} onClick={onTag} />
          ))}
        </div>
      );
    }
  }
}

interface RowProps {
  guest: Guest;
  columns: ColumnDef[];
  template: string;
  selected: boolean;
  link?: string;
  onOpen: (id: string) => void;
  onTag: (tag: string) => void;
}

/** One guest; re-renders only when its guest object (or the layout) changes. */
const GuestRow = memo(function GuestRow({ guest: g, columns, template, selected, link, onOpen, onTag }: RowProps) {
  return (
    <div
      role="row"
      tabIndex={0}
      data-testid="guest-row"
      data-guest={g.id}
      data-vmid={g.vmid}
      data-name={g.name}
      data-status={g.status}
      aria-selected={selected}
      onClick={() => onOpen(g.id)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onOpen(g.id);
        }
      }}
      className={`grid h-full cursor-pointer items-center gap-x-3 border-b border-gray-100 px-3 text-sm outline-none transition-colors focus-visible:bg-teal-50 sm:px-4 dark:border-white/5 dark:focus-visible:bg-teal-400/10 ${
        selected ? "bg-teal-50/80 dark:bg-teal-400/10" : "hover:bg-gray-50 dark:hover:bg-white/[0.03]"
      } ${g.status !== "running" ? "text-gray-500" : ""}`}
      style={{ gridTemplateColumns: template }}
    >
      {columns.map((c) => (
        <div
          key={c.id}
          role="cell"
          className={`min-w-0 ${c.align === "right" ? "text-right" : ""} ${c.id === "name" ? "" : "overflow-hidden"}`}
          data-testid={`guest-${c.id}`}
          {...(c.id === "name" ? { elementtiming: "guest-row" } : {})}
        >
          <Cell col={c.id} g={g} onTag={onTag} link={link} />
        </div>
      ))}
    </div>
  );
});

function GroupRow({ node, count, running, status, onPick }: { node: string; count: number; running: number; status?: string; onPick: (node: string) => void }) {
  return (
    <div role="row" className="flex h-full items-end border-b border-gray-200 bg-gray-50/95 px-3 pb-1.5 sm:px-4 dark:border-white/10 dark:bg-gray-900/95" data-testid="guest-group" data-node={node}>
      <button type="button" onClick={() => onPick(node)} className="flex items-center gap-2 text-xs font-semibold text-gray-700 hover:text-teal-700 dark:text-gray-200 dark:hover:text-teal-300" title={`Show only ${node}`}>
        <StatusDot status={status ?? "online"} />
        {node}
        <span className="font-normal text-gray-500 dark:text-gray-400">
          {count} {count === 1 ? "guest" : "guests"} · {running} running
        </span>
      </button>
    </div>
  );
}

export interface GuestTableProps {
  rows: GuestListRow[];
  guestCount: number;
  columns: ColumnDef[];
  sort: GuestSortKey;
  dir: "asc" | "desc";
  selectedId?: string;
  links: Record<string, string>;
  nodeStatus: Record<string, string>;
  onSort: (col: ColumnDef) => void;
  onOpen: (id: string) => void;
  onTag: (tag: string) => void;
  onNode: (node: string) => void;
  onWidth: (width: number) => void;
  empty: React.ReactNode;
}

/**
 * The guest table: a CSS grid per row inside its own scroll container, virtualized
 * (@tanstack/react-virtual) so 3,000 guests cost what the ~25 visible rows cost. The
 * header sticks to the top of the container; wide column sets scroll sideways inside it.
 */
export function GuestTable(p: GuestTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { rows, columns, onWidth } = p;
  const template = columns.map((c) => c.track).join(" ");
  const minWidth = columns.reduce((s, c) => s + c.min, 0) + 12 * (columns.length - 1) + 32;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === "group" ? GROUP_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => {
      const r = rows[i];
      return r.kind === "group" ? `group:${r.node}` : r.guest.id;
    },
    overscan: 10,
    // Server render and first paint: rows for a typical viewport, before anything is measured.
    initialRect: { width: 1200, height: 900 },
  });

  // Row heights are fixed per kind: re-estimate when the row list changes shape.
  useIsoLayoutEffect(() => {
    virtualizer.measure();
  }, [rows, virtualizer]);

  useIsoLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    onWidth(el.clientWidth);
    const ro = new ResizeObserver(() => onWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [onWidth]);

  const scrollToSelected = useCallback(() => {
    if (!p.selectedId) return;
    const i = rows.findIndex((r) => r.kind === "guest" && r.guest.id === p.selectedId);
    if (i >= 0) virtualizer.scrollToIndex(i, { align: "auto" });
  }, [p.selectedId, rows, virtualizer]);
  // A deep link to a guest (`?guest=`) scrolls it into view once.
  const scrolledOnce = useRef(false);
  useEffect(() => {
    if (scrolledOnce.current || !p.selectedId) return;
    scrolledOnce.current = true;
    scrollToSelected();
  }, [p.selectedId, scrollToSelected]);

  const items = virtualizer.getVirtualItems();

  return (
    <div
      ref={scrollRef}
      role="table"
      aria-rowcount={p.guestCount + 1}
      aria-label="Guests"
      data-testid="guest-table"
      data-rows={p.guestCount}
      className="relative h-[calc(100dvh-9.5rem)] min-h-[360px] overflow-auto overscroll-contain rounded-xl border border-gray-200 bg-white shadow-sm dark:border-white/10 dark:bg-gray-900/60"
    >
      <div style={{ minWidth }}>
        <div
          role="row"
          className="sticky top-0 z-10 grid items-center gap-x-3 border-b border-gray-200 bg-white/95 px-3 text-[11px] font-semibold uppercase tracking-wide text-gray-500 backdrop-blur sm:px-4 dark:border-white/10 dark:bg-gray-900/95 dark:text-gray-400"
          style={{ gridTemplateColumns: template, height: 36 }}
        >
          {columns.map((c) => {
            const active = p.sort === c.sort;
            return (
              <div key={c.id} role="columnheader" aria-sort={active ? (p.dir === "asc" ? "ascending" : "descending") : "none"} className={c.align === "right" ? "text-right" : ""}>
                <button
                  type="button"
                  onClick={() => p.onSort(c)}
                  data-testid={`sort-${c.id}`}
                  className={`inline-flex items-center gap-1 whitespace-nowrap uppercase hover:text-gray-900 dark:hover:text-white ${active ? "text-gray-900 dark:text-white" : ""}`}
                >
                  {c.label}
                  <span className={`text-[9px] ${active ? "" : "invisible"}`} aria-hidden>
                    {p.dir === "asc" ? "▲" : "▼"}
                  </span>
                </button>
              </div>
            );
          })}
        </div>

        {rows.length === 0 ? (
          <div className="px-4 py-16 text-center text-sm text-gray-500 dark:text-gray-400" data-testid="guests-empty">
            {p.empty}
          </div>
        ) : (
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((vi) => {
              const row = rows[vi.index];
              if (!row) return null;
              return (
                <div key={vi.key} className="absolute left-0 top-0 w-full" style={{ height: vi.size, transform: `translateY(${vi.start}px)` }}>
                  {row.kind === "group" ? (
                    <GroupRow node={row.node} count={row.count} running={row.running} status={p.nodeStatus[row.node]} onPick={p.onNode} />
                  ) : (
                    <GuestRow
                      guest={row.guest}
                      columns={columns}
                      template={template}
                      selected={row.guest.id === p.selectedId}
                      link={p.links[row.guest.id]}
                      onOpen={p.onOpen}
                      onTag={p.onTag}
                    />
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
