/**
 * A published state snapshot as the hub sends it: StateFrontend plus `resources[]`. The
 * payload JSON is composed from the worker's serialized state and the resources (built and
 * serialized once per snapshot, shared with `/api/resources`), not serialized again.
 */
import type { StateFrontend } from "../state/models";
import type { PublishedState } from "../state/store";
import { buildResources } from "../state/resources";
import type { RealtimeSnapshot } from "./hub";
import { withJsonKey } from "./messages";

const converted = new WeakMap<PublishedState, RealtimeSnapshot>();

export function realtimeSnapshot(published: PublishedState): RealtimeSnapshot {
  const cached = converted.get(published);
  if (cached) return cached;
  let snapshot: RealtimeSnapshot;
  if (published.state.resources) {
    snapshot = { data: published.state, json: published.json };
  } else {
    published.resources ??= buildResources(published.state);
    const data: StateFrontend = { ...published.state, resources: published.resources };
    snapshot = {
      data,
      json: withJsonKey(published.json, "resources", JSON.stringify(published.resources)),
    };
  }
  converted.set(published, snapshot);
  return snapshot;
}
