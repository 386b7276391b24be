import { z } from "zod";
import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { assertRoleId, assertUsername, assignUserRole, setUserRoles } from "@/lib/auth/rbac";
import { rolesOf } from "@/lib/auth/users";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** `{role_id}` adds one role; Pulse's UI sends `{roleIds: [...]}` to replace them all. */
const Body = z
  .object({
    role_id: z.string().min(1).max(64).optional(),
    roleIds: z.array(z.string().min(1).max(64)).max(100).optional(),
  })
  .refine((b) => (b.role_id === undefined) !== (b.roleIds === undefined), "give either role_id or roleIds");

export const POST = apiRoute<{ username: string }>("POST /api/admin/users/{username}/roles", async ({ request, params, principal }) => {
  const username = params.username;
  assertUsername(username);
  const body = await parseJsonBody(request, Body, 16 * 1024);
  const db = getDb();
  if (body.role_id !== undefined) {
    assertRoleId(body.role_id);
    await assignUserRole(db, username, body.role_id);
    await recordAuditEvent(db, { event: "role_assigned", ...auditFields(request, principal), success: true, details: `Assigned role ${body.role_id} to ${username}` });
  } else {
    body.roleIds!.forEach(assertRoleId);
    await setUserRoles(db, username, body.roleIds!);
    await recordAuditEvent(db, {
      event: "role_assigned",
      ...auditFields(request, principal),
      success: true,
      details: `Set roles of ${username} to [${body.roleIds!.join(", ")}]`,
    });
  }
  return { success: true, username, roleIds: (await rolesOf(db, username)).map((r) => r.id).sort() };
});
