import { apiRoute } from "@/lib/api/route";
import { securityStatus } from "@/lib/auth/security-status";
import { getEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export const GET = apiRoute("GET /api/security/status", async ({ request }) => {
  const status = await securityStatus(getDb(), request, getEnv().dataDir);
  return Response.json(status, { headers: { "Cache-Control": "no-store" } });
});
