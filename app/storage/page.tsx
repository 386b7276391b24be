import type { Metadata } from "next";
import { getPublishedState } from "@/lib/state/store";
import { filterStoragePools, groupStoragePools, parseStorageQuery, storageNodes } from "@/lib/state/storage-pools";
import { AutoRefresh } from "../_components/auto-refresh";
import { formatBytes } from "../_components/format";
import { NoAccess } from "../_components/no-access";
import { requireViewer } from "../_lib/require-viewer";
import { StorageFilters } from "./storage-filters";
import { StoragePoolsTable } from "./storage-pools-table";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Storage · Pulse" };

type SearchParams = Record<string, string | string[] | undefined>;

/** Storage pools of every node; shared storages are one row with their nodes. */
export default async function StoragePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : undefined;
  const access = await requireViewer(token);
  if ("denied" in access) return <NoAccess message={access.denied} />;

  const { state } = await getPublishedState();
  const pools = groupStoragePools(state.storage ?? []);
  const query = parseStorageQuery(params);
  const shown = filterStoragePools(pools, query);
  const total = pools.reduce((sum, p) => sum + p.total, 0);
  const used = pools.reduce((sum, p) => sum + p.used, 0);

  return (
    <main className="mx-auto max-w-7xl p-4 sm:p-8" data-testid="storage-page">
      <AutoRefresh seconds={10} />
      <header className="mb-4 flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h1 className="text-2xl font-semibold">Storage</h1>
        <p className="text-sm text-gray-600 dark:text-gray-400" data-testid="storage-summary">
          {pools.length} {pools.length === 1 ? "pool" : "pools"} · {formatBytes(used)} of {formatBytes(total)} used
        </p>
      </header>
      <StorageFilters query={query} nodes={storageNodes(pools)} token={token} />
      <StoragePoolsTable pools={shown} query={query} token={token} />
      {pools.length > 0 && shown.length === 0 && (
        <p className="mt-4 text-sm text-gray-600 dark:text-gray-400" data-testid="storage-empty">
          No storage matches these filters.
        </p>
      )}
      {pools.length === 0 && (
        <p className="mt-4 text-sm text-gray-600 dark:text-gray-400" data-testid="storage-empty">
          {state.nodes.length ? "No storage reported yet." : "Waiting for the first poll…"}
        </p>
      )}
    </main>
  );
}
