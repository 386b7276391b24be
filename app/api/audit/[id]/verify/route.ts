import { apiRoute } from "@/lib/api/route";
import { verifyAuditEvent } from "@/lib/audit/query";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("GET /api/audit/{id}/verify", ({ params }) => verifyAuditEvent(getDb(), params.id));
