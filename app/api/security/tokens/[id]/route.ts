import { apiRoute } from "@/lib/api/route";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { revokeToken } from "@/lib/auth/tokens";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>("DELETE /api/security/tokens/{id}", async ({ request, params, principal }) => {
  const db = getDb();
  await revokeToken(db, params.id);
  await recordAuditEvent(db, { event: "token_deleted", ...auditFields(request, principal), success: true, details: `Revoked API token ${params.id}` });
});
