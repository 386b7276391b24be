import { apiRoute } from "@/lib/api/route";
import { versionInfo } from "@/lib/system/version";

export const dynamic = "force-dynamic";

export const GET = apiRoute("GET /api/version", () => versionInfo());
