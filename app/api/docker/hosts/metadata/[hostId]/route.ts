import { apiRoute } from "@/lib/api/route";
import { deleteMetadataHandler, getMetadataHandler, putMetadataHandler } from "@/lib/metadata/handlers";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ hostId: string }>("GET /api/docker/hosts/metadata/{hostId}", getMetadataHandler("dockerHost", "hostId"));
export const PUT = apiRoute<{ hostId: string }>("PUT /api/docker/hosts/metadata/{hostId}", putMetadataHandler("dockerHost", "hostId"));
export const DELETE = apiRoute<{ hostId: string }>("DELETE /api/docker/hosts/metadata/{hostId}", deleteMetadataHandler("dockerHost", "hostId"));
