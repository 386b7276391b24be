import type { StoragePool, StorageQuery, StorageSortKey } from "@/lib/state/storage-pools";
import { formatBytes, formatPercent } from "../_components/format";
import { sortHref } from "./query";

const STATUS_STYLE: Record<StoragePool["status"], string> = {
  available: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300",
  inactive: "bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-300",
  disabled: "bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-300",
  unknown: "bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-300",
  unavailable: "bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300",
  offline: "bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300",
};

/** Pulse's storage alert defaults: warning from 80 %, critical from 90 %. */
function barColor(usage: number): string {
  return usage >= 90 ? "bg-red-500" : usage >= 80 ? "bg-amber-500" : "bg-emerald-500";
}

function UsageBar({ pool }: { pool: StoragePool }) {
  const v = Math.max(0, Math.min(100, pool.usage));
  // An inactive or disabled storage reports no size: say so rather than show 0 %.
  if (pool.total <= 0) {
    return (
      <div className="min-w-32 text-xs text-gray-500 dark:text-gray-400" data-testid="storage-usage">
        No capacity reported
      </div>
    );
  }
  return (
    <div className="min-w-32" data-testid="storage-usage">
      <div className="flex items-baseline justify-between gap-2 text-xs tabular-nums">
        <span className="font-medium">{formatPercent(pool.usage)}</span>
        <span className="text-gray-500 dark:text-gray-400">
          {formatBytes(pool.used)} / {formatBytes(pool.total)}
        </span>
      </div>
      <div
        className="mt-1 h-2 rounded bg-gray-200 dark:bg-gray-800"
        role="progressbar"
        aria-label={`${pool.name} usage`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(v)}
      >
        <div className={`h-2 rounded ${barColor(v)}`} style={{ width: `${v}%` }} />
      </div>
    </div>
  );
}

function StatusBadge({ pool }: { pool: StoragePool }) {
  const partial = pool.shared && pool.nodes.length > 1 && pool.availableOn > 0 && pool.availableOn < pool.nodes.length;
  return (
    <span className={`inline-block whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[pool.status]}`} data-testid="storage-status">
      {pool.status}
      {partial ? ` (${pool.availableOn}/${pool.nodes.length})` : ""}
    </span>
  );
}

function SortHeader({ label, sortKey, query, token, className = "" }: { label: string; sortKey: StorageSortKey; query: StorageQuery; token?: string; className?: string }) {
  const active = (query.sort ?? "usage") === sortKey;
  const arrow = active ? (query.dir === "asc" ? " ▲" : " ▼") : "";
  return (
    <th scope="col" className={`px-3 py-2 font-medium ${className}`} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
      <a href={sortHref(query, sortKey, token)} className="hover:text-gray-900 dark:hover:text-gray-100" data-testid={`storage-sort-${sortKey}`}>
        {label}
        {arrow}
      </a>
    </th>
  );
}

/**
 * One row per pool. On narrow screens the type, content and shared columns fold into the
 * name cell, and the table scrolls inside its own box rather than widening the page.
 */
export function StoragePoolsTable({ pools, query, token }: { pools: StoragePool[]; query: StorageQuery; token?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white dark:border-gray-800 dark:bg-gray-900" data-testid="storage-table">
      <table className="w-full text-left text-sm">
        <thead className="bg-gray-50 text-xs uppercase text-gray-500 dark:bg-gray-900 dark:text-gray-400">
          <tr>
            <SortHeader label="Storage" sortKey="name" query={query} token={token} />
            <SortHeader label="Node" sortKey="node" query={query} token={token} className="hidden sm:table-cell" />
            <SortHeader label="Type" sortKey="type" query={query} token={token} className="hidden md:table-cell" />
            <th scope="col" className="hidden px-3 py-2 font-medium lg:table-cell">Content</th>
            <th scope="col" className="hidden px-3 py-2 font-medium md:table-cell">Shared</th>
            <SortHeader label="Status" sortKey="status" query={query} token={token} className="hidden sm:table-cell" />
            <SortHeader label="Usage" sortKey="usage" query={query} token={token} />
            <SortHeader label="Free" sortKey="free" query={query} token={token} className="hidden sm:table-cell text-right" />
          </tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr
              key={p.memberIds.join(" ")}
              className="border-t border-gray-200 align-top dark:border-gray-800"
              data-testid="storage-row"
              data-storage={p.name}
              data-nodes={p.nodes.join(",")}
              data-shared={p.shared ? "true" : "false"}
              data-usage={p.usage.toFixed(1)}
            >
              <td className="px-3 py-2">
                <div className="font-medium break-all" data-testid="storage-name">{p.name}</div>
                <div className="text-xs text-gray-500 dark:text-gray-400">{p.instance}</div>
                {/* Folded columns for phones. */}
                <div className="mt-1 space-y-1 text-xs text-gray-600 sm:hidden dark:text-gray-400">
                  <div>
                    {p.nodes.join(", ")} · {p.type}
                    {p.shared ? " · shared" : ""}
                  </div>
                  <StatusBadge pool={p} />
                </div>
              </td>
              <td className="hidden px-3 py-2 sm:table-cell" data-testid="storage-nodes">
                <div className="flex max-w-56 flex-wrap gap-1">
                  {p.nodes.map((n) => (
                    <span key={n} className="rounded bg-gray-100 px-1.5 py-0.5 text-xs dark:bg-gray-800">
                      {n}
                    </span>
                  ))}
                </div>
              </td>
              <td className="hidden px-3 py-2 md:table-cell" data-testid="storage-type">{p.type}</td>
              <td className="hidden px-3 py-2 text-xs text-gray-600 lg:table-cell dark:text-gray-400" data-testid="storage-content">{p.content.join(", ")}</td>
              <td className="hidden px-3 py-2 md:table-cell" data-testid="storage-shared">{p.shared ? "Yes" : "No"}</td>
              <td className="hidden px-3 py-2 sm:table-cell"><StatusBadge pool={p} /></td>
              <td className="w-full px-3 py-2 sm:w-56"><UsageBar pool={p} /></td>
              <td className="hidden px-3 py-2 text-right tabular-nums sm:table-cell" data-testid="storage-free">{formatBytes(p.free)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
