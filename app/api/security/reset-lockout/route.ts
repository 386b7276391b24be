import { z } from "zod";
import { clientIp } from "@/lib/api/client-ip";
import { parseJsonBody } from "@/lib/api/request";
import { apiRoute } from "@/lib/api/route";
import { recordAuditEvent } from "@/lib/audit/record";
import { getLoginLockout } from "@/lib/auth/lockout";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

const ResetSchema = z.object({ identifier: z.string().trim().min(1, "identifier (a username or an IP address) is required").max(256) });

/** Lifts a login lockout on a username or an IP address. */
export const POST = apiRoute("POST /api/security/reset-lockout", async ({ request, principal }) => {
  const { identifier } = await parseJsonBody(request, ResetSchema);
  const cleared = getLoginLockout().reset(identifier);
  const actor = principal.kind === "user" ? principal.username : principal.kind === "token" ? `token:${principal.name}` : undefined;
  await recordAuditEvent(getDb(), {
    event: "lockout_reset",
    user: actor,
    ip: clientIp(request),
    path: "/api/security/reset-lockout",
    success: true,
    details: `Lockout reset for ${identifier}${cleared ? "" : " (nothing was recorded)"}`,
  });
  return { success: true, message: `Lockout reset for ${identifier}`, cleared };
});
