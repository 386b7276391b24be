/**
 * State deltas for `/ws?deltas=1` clients: what changed between two snapshots, so a
 * browser holding the previous snapshot can rebuild the next one without receiving the
 * whole state again. Shared by the server (diffState) and the browser (applyStateDelta),
 * so this module has no imports.
 *
 * Top-level arrays whose items all carry a unique `id` are compared item by item: new
 * items are sent whole (`upsert`), changed ones as the fields that changed (`patch`) —
 * at every poll a guest's CPU, memory, rates and uptime move but its name, node, tags and
 * disks mostly do not. Every other top-level key is sent whole in `replace` when it changed.
 */

export type ItemId = string | number;

export interface StateDelta {
  /** `lastUpdate` of the snapshot this delta applies to */
  base: number;
  /** `lastUpdate` of the snapshot it produces */
  lastUpdate: number;
  /** new items (or items to replace whole), per array key */
  upsert: Record<string, unknown[]>;
  /** changed items as their changed top-level fields, per array key */
  patch?: Record<string, ItemPatch[]>;
  /** ids of items gone, per array key */
  remove: Record<string, ItemId[]>;
  /** other top-level keys whose value changed */
  replace: Record<string, unknown>;
  /**
   * The full id order of an array key, present only when the order cannot be inferred
   * (kept items keep their place and new items go last otherwise).
   */
  order?: Record<string, ItemId[]>;
  /** top-level keys no longer present */
  unset?: string[];
}

export interface ItemPatch {
  id: ItemId;
  /** fields with a new value */
  set?: Record<string, unknown>;
  /** fields no longer present */
  unset?: string[];
}

type Json = Record<string, unknown>;
type Keyed = { id: ItemId } & Json;

const present = (v: unknown) => v !== undefined && typeof v !== "function";

/** The fields of `after` that differ from `before`, or null when none do. */
function itemPatch(before: Keyed, after: Keyed): ItemPatch | null {
  let set: Json | undefined;
  let unset: string[] | undefined;
  for (const key in after) {
    const v = after[key];
    if (present(v) && !jsonEqual(before[key], v)) (set ??= {})[key] = v;
  }
  for (const key in before) if (present(before[key]) && !present(after[key])) (unset ??= []).push(key);
  if (!set && !unset) return null;
  return { id: after.id, ...(set ? { set } : {}), ...(unset ? { unset } : {}) };
}

/** Deep equality of JSON-compatible values (what `JSON.stringify` would compare, without building strings). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // JSON turns NaN and ±Infinity into null
  if (typeof a === "number" && !Number.isFinite(a)) a = null;
  if (typeof b === "number" && !Number.isFinite(b)) b = null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Json;
  const bo = b as Json;
  let defined = 0;
  for (const key in ao) {
    const av = ao[key];
    if (av === undefined || typeof av === "function") continue;
    defined++;
    if (!jsonEqual(av, bo[key])) return false;
  }
  for (const key in bo) {
    const bv = bo[key];
    if (bv !== undefined && typeof bv !== "function") defined--;
  }
  return defined === 0;
}

/** The items by id when `value` is an array of objects with unique ids, else null. */
function indexById(value: unknown): Map<ItemId, Keyed> | null {
  if (!Array.isArray(value)) return null;
  const byId = new Map<ItemId, Keyed>();
  for (const item of value) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return null;
    const id = (item as Json).id;
    if ((typeof id !== "string" && typeof id !== "number") || byId.has(id)) return null;
    byId.set(id, item as Keyed);
  }
  return byId;
}

function lastUpdateOf(state: Json): number {
  return typeof state.lastUpdate === "number" ? state.lastUpdate : 0;
}

export function diffState<T extends object>(prevState: T, nextState: T): StateDelta {
  const prev = prevState as Json;
  const next = nextState as Json;
  const delta: StateDelta = { base: lastUpdateOf(prev), lastUpdate: lastUpdateOf(next), upsert: {}, remove: {}, replace: {} };

  for (const key in next) {
    if (key === "lastUpdate") continue;
    const nextValue = next[key];
    if (nextValue === undefined) continue;
    const prevValue = prev[key];
    const prevIndex = indexById(prevValue);
    const nextItems = prevIndex ? indexById(nextValue) : null;
    if (!prevIndex || !nextItems) {
      if (!jsonEqual(prevValue, nextValue)) delta.replace[key] = nextValue;
      continue;
    }
    diffArray(key, prevValue as Keyed[], prevIndex, nextValue as Keyed[], nextItems, delta);
  }

  const unset = Object.keys(prev).filter((key) => prev[key] !== undefined && next[key] === undefined);
  if (unset.length > 0) delta.unset = unset;
  return delta;
}

function diffArray(key: string, prevList: Keyed[], prevIndex: Map<ItemId, Keyed>, nextList: Keyed[], nextIndex: Map<ItemId, Keyed>, delta: StateDelta): void {
  const upsert: Keyed[] = [];
  const patch: ItemPatch[] = [];
  const remove: ItemId[] = [];
  for (const item of nextList) {
    const before = prevIndex.get(item.id);
    if (!before) upsert.push(item);
    else {
      const changed = itemPatch(before, item);
      if (changed) patch.push(changed);
    }
  }
  for (const item of prevList) if (!nextIndex.has(item.id)) remove.push(item.id);
  if (upsert.length > 0) delta.upsert[key] = upsert;
  if (patch.length > 0) (delta.patch ??= {})[key] = patch;
  if (remove.length > 0) delta.remove[key] = remove;

  // What applyStateDelta produces without an explicit order: survivors in their old
  // places, then new items in their new order. Send the order only when that is wrong.
  let i = 0;
  let inferable = true;
  for (const item of prevList) {
    if (!nextIndex.has(item.id)) continue;
    if (nextList[i++].id !== item.id) {
      inferable = false;
      break;
    }
  }
  for (; inferable && i < nextList.length; i++) if (prevIndex.has(nextList[i].id)) inferable = false;
  if (!inferable) (delta.order ??= {})[key] = nextList.map((item) => item.id);
}

/**
 * The snapshot `delta` produces from `prev`, or null when `delta.base` is not `prev`'s
 * `lastUpdate` (a missed message: ask the server for the full state with `requestData`).
 * `prev` is not modified; unchanged keys and items keep their identity.
 */
export function applyStateDelta<T extends object>(prevState: T, delta: StateDelta): T | null {
  const prev = prevState as Json;
  if (lastUpdateOf(prev) !== delta.base) return null;
  const next: Json = { ...prev, ...delta.replace, lastUpdate: delta.lastUpdate };
  for (const key of delta.unset ?? []) delete next[key];

  const keys = new Set([...Object.keys(delta.upsert), ...Object.keys(delta.patch ?? {}), ...Object.keys(delta.remove), ...Object.keys(delta.order ?? {})]);
  for (const key of keys) {
    const list = Array.isArray(prev[key]) ? (prev[key] as Keyed[]) : [];
    const upsert = (delta.upsert[key] ?? []) as Keyed[];
    const removed = new Set(delta.remove[key] ?? []);
    const changed = new Map(upsert.map((item) => [item.id, item]));
    const patches = delta.patch?.[key] ?? [];
    if (patches.length) {
      const byId = new Map(list.map((item) => [item.id, item]));
      for (const p of patches) {
        const before = byId.get(p.id);
        // A patch for an item this client does not hold: it missed something.
        if (!before) return null;
        const merged: Keyed = { ...before, ...p.set };
        for (const field of p.unset ?? []) delete merged[field];
        changed.set(p.id, merged);
      }
    }
    const order = delta.order?.[key];

    if (order) {
      const byId = new Map(list.map((item) => [item.id, item]));
      next[key] = order.map((id) => changed.get(id) ?? byId.get(id)).filter((item) => item !== undefined);
      continue;
    }
    const result: Keyed[] = [];
    for (const item of list) {
      if (removed.has(item.id)) continue;
      const updated = changed.get(item.id);
      result.push(updated ?? item);
      if (updated) changed.delete(item.id);
    }
    for (const item of changed.values()) result.push(item);
    next[key] = result;
  }
  return next as T;
}
