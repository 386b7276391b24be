import { apiRoute } from "@/lib/api/route";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { assertRoleId, assertUsername, removeUserRole } from "@/lib/auth/rbac";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ username: string; role_id: string }>(
  "DELETE /api/admin/users/{username}/roles/{role_id}",
  async ({ request, params, principal }) => {
    assertUsername(params.username);
    assertRoleId(params.role_id);
    const db = getDb();
    await removeUserRole(db, params.username, params.role_id);
    await recordAuditEvent(db, {
      event: "role_removed",
      ...auditFields(request, principal),
      success: true,
      details: `Removed role ${params.role_id} from ${params.username}`,
    });
  },
);
