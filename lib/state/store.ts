/**
 * The web process's replica of the live state. The worker serializes each snapshot once;
 * the web keeps both the bytes (served as-is by `/api/state`) and the parsed object (for
 * the routes that filter it). Lives on `globalThis` because Next.js bundles route handlers
 * into a module graph separate from the custom server's.
 *
 * Without the custom server (no worker pushing), the latest snapshot the worker persisted
 * is read from the database instead, at most once per second.
 */
import type { Resource, StateFrontend } from "./models";
import { buildResources } from "./resources";
import { emptyState } from "./snapshot";

export interface PublishedState {
  state: StateFrontend;
  /** `JSON.stringify(state)`, computed once per snapshot */
  json: string;
  receivedAt: number;
  resources?: Resource[];
}

type Loader = () => Promise<string | undefined>;

const g = globalThis as unknown as {
  __pulseState?: PublishedState;
  __pulseStateLoader?: { load: Loader; checkedAt: number };
  __pulseStateListeners?: Set<(p: PublishedState) => void>;
};

export function publishStateJson(json: string, receivedAt = Date.now()): PublishedState {
  const published: PublishedState = { state: JSON.parse(json) as StateFrontend, json, receivedAt };
  g.__pulseState = published;
  for (const listener of g.__pulseStateListeners ?? []) listener(published);
  return published;
}

export function onStatePublished(listener: (p: PublishedState) => void): () => void {
  (g.__pulseStateListeners ??= new Set()).add(listener);
  return () => g.__pulseStateListeners?.delete(listener);
}

/** Where to read a persisted snapshot when no worker pushes one (set by the db layer). */
export function setPersistedStateLoader(load: Loader): void {
  g.__pulseStateLoader = { load, checkedAt: 0 };
}

export async function getPublishedState(): Promise<PublishedState> {
  const loader = g.__pulseStateLoader;
  if (loader && (!g.__pulseState || g.__pulseState.receivedAt === 0) && Date.now() - loader.checkedAt > 1000) {
    loader.checkedAt = Date.now();
    const json = await loader.load();
    if (json) {
      const p = publishStateJson(json);
      p.receivedAt = 0; // keep re-reading: a worker elsewhere keeps writing newer snapshots
    }
  }
  if (!g.__pulseState) {
    const state = emptyState();
    g.__pulseState = { state, json: JSON.stringify(state), receivedAt: 0 };
  }
  return g.__pulseState;
}

/** Unified resources of the current snapshot, built once per snapshot. */
export async function getResources(): Promise<{ resources: Resource[]; lastUpdate: number }> {
  const p = await getPublishedState();
  p.resources ??= buildResources(p.state);
  return { resources: p.resources, lastUpdate: p.state.lastUpdate };
}
