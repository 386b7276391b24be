/**
 * Resource metadata as Pulse's API shows it: `GET …/metadata` is an object keyed by
 * resource id, a single GET of an id without metadata answers an empty record (as Pulse
 * does), PUT merges the named fields into the stored record and remembers the resource's
 * current name and type, DELETE removes it.
 */
import type { Db } from "../db/client";
import {
  deleteResourceMetadata,
  findResourceMetadata,
  listResourceMetadata,
  type MetadataFields,
  type MetadataKind,
  type MetadataRecord,
  saveResourceMetadata,
} from "../db/resource-metadata";
import type { StateFrontend } from "../state/models";
import type { MetadataPatch } from "./schema";

export type { MetadataKind } from "../db/resource-metadata";
export const METADATA_KINDS: readonly MetadataKind[] = ["guest", "host", "docker", "dockerHost"];

/** The JSON record (Pulse's field names). */
export type MetadataView = { id: string } & MetadataFields;

/** What each kind is called in messages and audit entries. */
export const KIND_LABEL: Record<MetadataKind, string> = { guest: "guest", host: "host", docker: "Docker container", dockerHost: "Docker host" };

export function emptyMetadata(id: string): MetadataView {
  return { id, customUrl: "", description: "", tags: [], notes: [] };
}

export function presentMetadata(record: MetadataRecord): MetadataView {
  const view: MetadataView = { ...emptyMetadata(record.resourceId), customUrl: record.customUrl, description: record.description, tags: record.tags, notes: record.notes };
  if (record.lastKnownName !== undefined) view.lastKnownName = record.lastKnownName;
  if (record.lastKnownType !== undefined) view.lastKnownType = record.lastKnownType;
  if (record.kind === "host" && record.commandsEnabled !== undefined) view.commandsEnabled = record.commandsEnabled;
  if (record.kind === "dockerHost" && record.customDisplayName !== undefined) view.customDisplayName = record.customDisplayName;
  return view;
}

export async function listMetadata(db: Db, kind: MetadataKind): Promise<Record<string, MetadataView>> {
  const out: Record<string, MetadataView> = {};
  for (const record of await listResourceMetadata(db, kind)) out[record.resourceId] = presentMetadata(record);
  return out;
}

export async function getMetadata(db: Db, kind: MetadataKind, id: string): Promise<MetadataView> {
  const record = await findResourceMetadata(db, kind, id);
  return record ? presentMetadata(record) : emptyMetadata(id);
}

type Named = { id?: unknown; name?: unknown; displayName?: unknown; hostname?: unknown; type?: unknown; containers?: unknown };
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
const items = (v: unknown): Named[] => (Array.isArray(v) ? v.filter((x): x is Named => !!x && typeof x === "object") : []);

/** The resource's name and type in the current state, when it is there. */
export function describeResource(state: StateFrontend, kind: MetadataKind, id: string): { name?: string; type?: string } | undefined {
  if (kind === "guest") {
    const guest = [...(state.vms ?? []), ...(state.containers ?? [])].find((g) => g.id === id);
    return guest && { name: guest.name, type: guest.type };
  }
  if (kind === "host") {
    const host = items(state.hosts).find((h) => h.id === id);
    return host && { name: str(host.displayName) ?? str(host.hostname), type: "host" };
  }
  if (kind === "dockerHost") {
    const host = items(state.dockerHosts).find((h) => h.id === id);
    return host && { name: str(host.displayName) ?? str(host.hostname), type: "dockerHost" };
  }
  const container = items(state.dockerHosts)
    .flatMap((h) => items(h.containers))
    .find((c) => c.id === id);
  return container && { name: str(container.name), type: "docker" };
}

/** The stored fields after applying `patch`: named fields replace, `null` clears, the rest stay. */
export function mergeMetadata(kind: MetadataKind, current: MetadataFields | undefined, patch: MetadataPatch): MetadataFields {
  const base: MetadataFields = current ?? { customUrl: "", description: "", tags: [], notes: [] };
  const pick = <K extends keyof MetadataPatch, T>(key: K, fallback: T, empty: T): T => {
    const value = patch[key];
    if (value === undefined) return fallback;
    return value === null ? empty : (value as T);
  };
  const merged: MetadataFields = {
    customUrl: pick("customUrl", base.customUrl, ""),
    description: pick("description", base.description, ""),
    tags: pick("tags", base.tags, [] as string[]),
    notes: pick("notes", base.notes, [] as string[]),
    lastKnownName: base.lastKnownName,
    lastKnownType: base.lastKnownType,
  };
  if (kind === "host") merged.commandsEnabled = pick("commandsEnabled", base.commandsEnabled, undefined);
  if (kind === "dockerHost") merged.customDisplayName = pick("customDisplayName", base.customDisplayName, undefined) || undefined;
  return merged;
}

export async function updateMetadata(
  db: Db,
  kind: MetadataKind,
  id: string,
  patch: MetadataPatch,
  state: StateFrontend,
): Promise<{ metadata: MetadataView; created: boolean }> {
  const current = await findResourceMetadata(db, kind, id);
  const fields = mergeMetadata(kind, current, patch);
  const seen = describeResource(state, kind, id);
  if (seen?.name) fields.lastKnownName = seen.name;
  if (seen?.type) fields.lastKnownType = seen.type;
  const saved = await saveResourceMetadata(db, kind, id, fields);
  return { metadata: presentMetadata(saved), created: !current };
}

/** False when the resource had no metadata. */
export function deleteMetadata(db: Db, kind: MetadataKind, id: string): Promise<boolean> {
  return deleteResourceMetadata(db, kind, id);
}
