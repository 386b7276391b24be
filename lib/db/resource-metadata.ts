/**
 * User metadata of monitored resources (notes, tags, custom URL), one row per
 * (kind, resource id). Tags and notes are JSON arrays in text columns.
 */
import type { ResourceMetadata as ResourceMetadataRow } from "@/lib/generated/sqlite/client";
import type { Db } from "./client";
import { isRecordNotFound, parseJsonColumn } from "./errors";

export type MetadataKind = "guest" | "host" | "docker" | "dockerHost";

export interface MetadataFields {
  customUrl: string;
  description: string;
  tags: string[];
  notes: string[];
  lastKnownName?: string;
  lastKnownType?: string;
  commandsEnabled?: boolean;
  customDisplayName?: string;
}

export interface MetadataRecord extends MetadataFields {
  kind: MetadataKind;
  resourceId: string;
  createdAt: Date;
  updatedAt: Date;
}

const strings = (text: string): string[] => {
  const value = parseJsonColumn<unknown>(text, []);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
};

function fromRow(row: ResourceMetadataRow): MetadataRecord {
  return {
    kind: row.kind as MetadataKind,
    resourceId: row.resourceId,
    customUrl: row.customUrl,
    description: row.description,
    tags: strings(row.tags),
    notes: strings(row.notes),
    lastKnownName: row.lastKnownName ?? undefined,
    lastKnownType: row.lastKnownType ?? undefined,
    commandsEnabled: row.commandsEnabled ?? undefined,
    customDisplayName: row.customDisplayName ?? undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toColumns(fields: MetadataFields) {
  return {
    customUrl: fields.customUrl,
    description: fields.description,
    tags: JSON.stringify(fields.tags),
    notes: JSON.stringify(fields.notes),
    lastKnownName: fields.lastKnownName ?? null,
    lastKnownType: fields.lastKnownType ?? null,
    commandsEnabled: fields.commandsEnabled ?? null,
    customDisplayName: fields.customDisplayName ?? null,
  };
}

export async function listResourceMetadata(db: Db, kind: MetadataKind): Promise<MetadataRecord[]> {
  const rows = await db.resourceMetadata.findMany({ where: { kind }, orderBy: { resourceId: "asc" } });
  return rows.map(fromRow);
}

export async function findResourceMetadata(db: Db, kind: MetadataKind, resourceId: string): Promise<MetadataRecord | undefined> {
  const row = await db.resourceMetadata.findUnique({ where: { kind_resourceId: { kind, resourceId } } });
  return row ? fromRow(row) : undefined;
}

/** Insert or replace the whole record. */
export async function saveResourceMetadata(db: Db, kind: MetadataKind, resourceId: string, fields: MetadataFields): Promise<MetadataRecord> {
  const columns = toColumns(fields);
  const row = await db.resourceMetadata.upsert({
    where: { kind_resourceId: { kind, resourceId } },
    create: { kind, resourceId, ...columns },
    update: columns,
  });
  return fromRow(row);
}

/** False when there was nothing to delete. */
export async function deleteResourceMetadata(db: Db, kind: MetadataKind, resourceId: string): Promise<boolean> {
  try {
    await db.resourceMetadata.delete({ where: { kind_resourceId: { kind, resourceId } } });
    return true;
  } catch (err) {
    if (isRecordNotFound(err)) return false;
    throw err;
  }
}
