import { defaultDirection, type StorageQuery } from "@/lib/state/storage-pools";
import { storageHref } from "./query";

const field =
  "h-9 rounded-md border border-gray-300 bg-white px-2 text-sm text-gray-900 focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100";

/** A plain GET form: works without JavaScript and keeps the view linkable. */
export function StorageFilters({ query, nodes, token }: { query: StorageQuery; nodes: string[]; token?: string }) {
  const filtered = !!(query.node || query.q);
  return (
    <form method="get" action="/storage" role="search" className="mb-4 flex flex-wrap items-end gap-2" data-testid="storage-filters">
      <label className="flex min-w-0 flex-1 basis-48 flex-col gap-1 text-xs font-medium text-gray-600 dark:text-gray-400">
        Search
        <input type="search" name="q" defaultValue={query.q ?? ""} placeholder="Name, type, content…" className={`${field} w-full`} data-testid="storage-search" />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-gray-600 dark:text-gray-400">
        Node
        <select name="node" defaultValue={query.node ?? ""} className={field} data-testid="storage-node-filter">
          <option value="">All nodes</option>
          {nodes.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      {query.sort && query.sort !== "usage" && <input type="hidden" name="sort" value={query.sort} />}
      {query.dir && query.dir !== defaultDirection(query.sort ?? "usage") && <input type="hidden" name="dir" value={query.dir} />}
      {token && <input type="hidden" name="token" value={token} />}
      <button type="submit" className="h-9 rounded-md bg-blue-600 px-3 text-sm font-medium text-white hover:bg-blue-700 dark:bg-blue-500 dark:hover:bg-blue-600" data-testid="storage-apply">
        Apply
      </button>
      {filtered && (
        <a href={storageHref({ sort: query.sort, dir: query.dir }, token)} className="h-9 px-2 text-sm leading-9 text-blue-700 hover:underline dark:text-blue-400" data-testid="storage-clear">
          Clear
        </a>
      )}
    </form>
  );
}
