import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { assertRoleId, deleteRole, RoleUpdateSchema, updateRole } from "@/lib/auth/rbac";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>("PUT /api/admin/roles/{id}", async ({ request, params, principal }) => {
  assertRoleId(params.id);
  const patch = await parseJsonBody(request, RoleUpdateSchema, 64 * 1024);
  const db = getDb();
  const role = await updateRole(db, params.id, patch);
  await recordAuditEvent(db, { event: "role_updated", ...auditFields(request, principal), success: true, details: `Updated role ${role.id}` });
  return role;
});

export const DELETE = apiRoute<{ id: string }>("DELETE /api/admin/roles/{id}", async ({ request, params, principal }) => {
  assertRoleId(params.id);
  const db = getDb();
  const unassigned = await deleteRole(db, params.id);
  await recordAuditEvent(db, {
    event: "role_deleted",
    ...auditFields(request, principal),
    success: true,
    details: `Deleted role ${params.id}${unassigned ? ` (removed from ${unassigned} user(s))` : ""}`,
  });
});
