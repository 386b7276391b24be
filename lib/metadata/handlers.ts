/**
 * The handlers behind the four metadata route families (`/api/guests/metadata`,
 * `/api/hosts/metadata`, `/api/docker/metadata`, `/api/docker/hosts/metadata`); each
 * route file wraps them in `apiRoute` with its own access-table key.
 */
import { ApiError } from "../api/errors";
import { parseJsonBody, validate } from "../api/request";
import type { RouteContext } from "../api/route";
import { auditFields } from "../audit/actor";
import { recordAuditEvent } from "../audit/record";
import { getDb } from "../db/client";
import { getPublishedState } from "../state/store";
import { MAX_METADATA_BODY_BYTES, MetadataPatchSchema, ResourceIdSchema } from "./schema";
import { deleteMetadata, getMetadata, KIND_LABEL, listMetadata, type MetadataKind, updateMetadata } from "./service";

type Params = Record<string, string | string[]>;

/** The id path segment. Next hands dynamic segments over decoded (`demo%3Apve1%3A100` → `demo:pve1:100`). */
function resourceId(params: Params, name: string): string {
  const raw = params[name];
  return validate(ResourceIdSchema, Array.isArray(raw) ? raw.join("/") : raw);
}

export function listMetadataHandler(kind: MetadataKind) {
  return () => listMetadata(getDb(), kind);
}

export function getMetadataHandler(kind: MetadataKind, param: string) {
  return ({ params }: RouteContext<Params>) => getMetadata(getDb(), kind, resourceId(params, param));
}

export function putMetadataHandler(kind: MetadataKind, param: string) {
  return async ({ request, params, principal }: RouteContext<Params>) => {
    const id = resourceId(params, param);
    const patch = await parseJsonBody(request, MetadataPatchSchema, MAX_METADATA_BODY_BYTES);
    const { state } = await getPublishedState();
    const { metadata, created } = await updateMetadata(getDb(), kind, id, patch, state);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    await recordAuditEvent(getDb(), {
      event: "metadata_changed",
      ...auditFields(request, principal),
      success: true,
      details: `${created ? "Created" : "Updated"} ${KIND_LABEL[kind]} metadata for ${id}${fields.length ? ` (${fields.join(", ")})` : ""}`,
    });
    return metadata;
  };
}

export function deleteMetadataHandler(kind: MetadataKind, param: string) {
  return async ({ request, params, principal }: RouteContext<Params>) => {
    const id = resourceId(params, param);
    if (!(await deleteMetadata(getDb(), kind, id))) throw new ApiError("not_found", `No metadata for ${KIND_LABEL[kind]} ${id}`);
    await recordAuditEvent(getDb(), { event: "metadata_changed", ...auditFields(request, principal), success: true, details: `Deleted ${KIND_LABEL[kind]} metadata for ${id}` });
    return new Response(null, { status: 204 });
  };
}
