import { apiRoute } from "@/lib/api/route";
import { deleteMetadataHandler, getMetadataHandler, putMetadataHandler } from "@/lib/metadata/handlers";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ guestId: string }>("GET /api/guests/metadata/{guestId}", getMetadataHandler("guest", "guestId"));
export const PUT = apiRoute<{ guestId: string }>("PUT /api/guests/metadata/{guestId}", putMetadataHandler("guest", "guestId"));
export const DELETE = apiRoute<{ guestId: string }>("DELETE /api/guests/metadata/{guestId}", deleteMetadataHandler("guest", "guestId"));
