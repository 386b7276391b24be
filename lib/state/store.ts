/**
 * The web process's replica of the live state. The worker serializes each snapshot once;
 * the web keeps both the bytes (served as-is by `/api/state`) and the parsed object (for
 * the routes that filter it). Lives on `globalThis` because Next.js bundles route handlers
 * into a module graph separate from the custom server's.
 *
 * Until a worker pushes a snapshot (or when the app runs without the custom server, so no
 * worker pushes at all) the latest snapshot the worker persisted is read from the
 * database, at most once per second.
 */
import { getDb } from "../db/client";
import { loadStateSnapshot } from "../db/state-snapshot";
import type { Resource, StateFrontend } from "./models";
import { buildResources } from "./resources";
import { emptyState } from "./snapshot";

export interface PublishedState {
  state: StateFrontend;
  /** `JSON.stringify(state)`, computed once per snapshot */
  json: string;
  source: "worker" | "database" | "empty";
  resources?: Resource[];
  /** UTF-8 of `json`, encoded once for every `/api/state` response of this snapshot */
  bytes?: Uint8Array;
}

const DB_REFRESH_MS = 1000;

const g = globalThis as unknown as {
  __pulseState?: PublishedState;
  __pulseStateReadAt?: number;
  __pulseStateListeners?: Set<(p: PublishedState) => void>;
};

function publish(json: string, source: PublishedState["source"]): PublishedState {
  const published: PublishedState = { state: JSON.parse(json) as StateFrontend, json, source };
  g.__pulseState = published;
  for (const listener of g.__pulseStateListeners ?? []) listener(published);
  return published;
}

/** Called by the custom server for every snapshot the worker sends over the bus. */
export function publishStateJson(json: string): PublishedState {
  return publish(json, "worker");
}

export function onStatePublished(listener: (p: PublishedState) => void): () => void {
  (g.__pulseStateListeners ??= new Set()).add(listener);
  return () => g.__pulseStateListeners?.delete(listener);
}

export async function getPublishedState(): Promise<PublishedState> {
  const current = g.__pulseState;
  if (current?.source !== "worker" && Date.now() - (g.__pulseStateReadAt ?? 0) > DB_REFRESH_MS) {
    g.__pulseStateReadAt = Date.now();
    const stored = await loadStateSnapshot(getDb()).catch(() => null);
    if (stored && stored.json !== current?.json && g.__pulseState?.source !== "worker") return publish(stored.json, "database");
  }
  if (!g.__pulseState) {
    const state = emptyState();
    g.__pulseState = { state, json: JSON.stringify(state), source: "empty" };
  }
  return g.__pulseState;
}

/** The snapshot as response bytes, encoded once. */
export async function getStateBytes(): Promise<Uint8Array> {
  const p = await getPublishedState();
  p.bytes ??= Buffer.from(p.json, "utf8");
  return p.bytes;
}

/** Unified resources of the current snapshot, built once per snapshot. */
export async function getResources(): Promise<{ resources: Resource[]; lastUpdate: number }> {
  const p = await getPublishedState();
  p.resources ??= buildResources(p.state);
  return { resources: p.resources, lastUpdate: p.state.lastUpdate };
}
