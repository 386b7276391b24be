import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { listTokens, mintToken, TokenCreateSchema } from "@/lib/auth/tokens";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export const GET = apiRoute("GET /api/security/tokens", async () => ({ tokens: await listTokens(getDb()) }));

export const POST = apiRoute("POST /api/security/tokens", async ({ request, principal }) => {
  const input = await parseJsonBody(request, TokenCreateSchema, 16 * 1024);
  const db = getDb();
  const created = await mintToken(db, principal, input);
  await recordAuditEvent(db, {
    event: "token_created",
    ...auditFields(request, principal),
    success: true,
    details: `Created API token "${created.record.name}" (${created.record.id}) with scopes ${created.record.scopes.join(", ")}`,
  });
  return created;
});
