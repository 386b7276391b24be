import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { createRole, listRoles, RoleCreateSchema } from "@/lib/auth/rbac";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Pulse answers with the bare array of roles. */
export const GET = apiRoute("GET /api/admin/roles", () => listRoles(getDb()));

export const POST = apiRoute("POST /api/admin/roles", async ({ request, principal }) => {
  const input = await parseJsonBody(request, RoleCreateSchema, 64 * 1024);
  const db = getDb();
  const role = await createRole(db, input);
  await recordAuditEvent(db, { event: "role_created", ...auditFields(request, principal), success: true, details: `Created role ${role.id}` });
  return Response.json(role, { status: 201 });
});
