import { apiRoute } from "@/lib/api/route";
import { deleteMetadataHandler, getMetadataHandler, putMetadataHandler } from "@/lib/metadata/handlers";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ containerId: string }>("GET /api/docker/metadata/{containerId}", getMetadataHandler("docker", "containerId"));
export const PUT = apiRoute<{ containerId: string }>("PUT /api/docker/metadata/{containerId}", putMetadataHandler("docker", "containerId"));
export const DELETE = apiRoute<{ containerId: string }>("DELETE /api/docker/metadata/{containerId}", deleteMetadataHandler("docker", "containerId"));
