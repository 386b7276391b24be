import { apiRoute } from "@/lib/api/route";
import { listMetadataHandler } from "@/lib/metadata/handlers";

export const dynamic = "force-dynamic";

/** Every stored record, keyed by id. */
export const GET = apiRoute("GET /api/hosts/metadata", listMetadataHandler("host"));
