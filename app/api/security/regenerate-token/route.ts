import { apiRoute } from "@/lib/api/route";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { regenerateToken } from "@/lib/auth/tokens";
import { getDb } from "@/lib/db/client";
import { versionInfo } from "@/lib/system/version";

export const dynamic = "force-dynamic";

export const POST = apiRoute("POST /api/security/regenerate-token", async ({ request, principal }) => {
  const db = getDb();
  const result = await regenerateToken(db, principal);
  await recordAuditEvent(db, {
    event: "token_regenerated",
    ...auditFields(request, principal),
    success: true,
    details: `Generated API token ${result.record.id}; revoked ${result.revoked} previous token(s)`,
  });
  let message = "New API token generated and active immediately! Save this token - it won't be shown again.";
  if (result.envTokens) {
    message += ` ${result.envTokens} token(s) from API_TOKENS/API_TOKEN stay valid until removed from the environment.`;
  }
  return { success: true, token: result.token, deploymentType: versionInfo().deploymentType, requiresRestart: false, message };
});
