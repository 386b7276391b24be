import { apiRoute } from "@/lib/api/route";
import { parseQuery } from "@/lib/api/request";
import { AuditQuerySchema, queryAuditEvents } from "@/lib/audit/query";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export const GET = apiRoute("GET /api/audit", async ({ request }) => {
  const query = parseQuery(request, AuditQuerySchema);
  const { events, total } = await queryAuditEvents(getDb(), query);
  return { events, total, persistentLogging: true };
});
