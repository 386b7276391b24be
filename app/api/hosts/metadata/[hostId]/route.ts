import { apiRoute } from "@/lib/api/route";
import { deleteMetadataHandler, getMetadataHandler, putMetadataHandler } from "@/lib/metadata/handlers";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ hostId: string }>("GET /api/hosts/metadata/{hostId}", getMetadataHandler("host", "hostId"));
export const PUT = apiRoute<{ hostId: string }>("PUT /api/hosts/metadata/{hostId}", putMetadataHandler("host", "hostId"));
export const DELETE = apiRoute<{ hostId: string }>("DELETE /api/hosts/metadata/{hostId}", deleteMetadataHandler("host", "hostId"));
