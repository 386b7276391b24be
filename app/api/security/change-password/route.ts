import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { clientIp } from "@/lib/api/client-ip";
import { parseJsonBody } from "@/lib/api/request";
import { apiRoute } from "@/lib/api/route";
import { changePassword } from "@/lib/auth/change-password";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/auth/users";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

const ChangePasswordSchema = z.object({
  currentPassword: z.string().min(1, "currentPassword is required").max(MAX_PASSWORD_LENGTH),
  newPassword: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `newPassword must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH, `newPassword must be at most ${MAX_PASSWORD_LENGTH} characters`),
});

/** A signed-in user changes their own password; their other sessions end, this one stays. */
export const POST = apiRoute("POST /api/security/change-password", async ({ request, principal }) => {
  if (principal.kind !== "user" || principal.method === "proxy" || principal.method === "recovery") {
    throw new ApiError("forbidden", "Only a user signed in with a password can change it (API tokens, proxy and recovery access cannot)");
  }
  const input = await parseJsonBody(request, ChangePasswordSchema, 16 * 1024);
  const result = await changePassword(getDb(), {
    username: principal.username,
    ...input,
    keepSessionId: principal.session?.id,
    ip: clientIp(request),
  });
  if (!result.ok) throw new ApiError("invalid_credentials", "Current password is incorrect");
  return {
    success: true,
    message: "Password changed successfully",
    sessionsEnded: result.sessionsEnded,
    ...(result.envManaged
      ? { note: "PULSE_AUTH_PASS is set in the environment: update it too, or the old password returns at the next restart." }
      : {}),
  };
});
