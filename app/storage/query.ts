import { defaultDirection, type StorageQuery, type StorageSortKey } from "@/lib/state/storage-pools";

/** `/storage?…` for `query`, leaving defaults out and keeping a kiosk token. */
export function storageHref(query: StorageQuery, token?: string): string {
  const params = new URLSearchParams();
  if (query.node) params.set("node", query.node);
  if (query.q) params.set("q", query.q);
  const sort = query.sort ?? "usage";
  if (sort !== "usage") params.set("sort", sort);
  if (query.dir && query.dir !== defaultDirection(sort)) params.set("dir", query.dir);
  if (token) params.set("token", token);
  const qs = params.toString();
  return qs ? `/storage?${qs}` : "/storage";
}

/** Clicking a column: sort by it, or flip the direction when it already is the sort. */
export function sortHref(query: StorageQuery, key: StorageSortKey, token?: string): string {
  const current = query.sort ?? "usage";
  const dir = current === key ? (query.dir === "asc" ? "desc" : "asc") : defaultDirection(key);
  return storageHref({ ...query, sort: key, dir }, token);
}
