import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { clientIp } from "@/lib/api/client-ip";
import { parseJsonBody } from "@/lib/api/request";
import { apiRoute } from "@/lib/api/route";
import { recordAuditEvent } from "@/lib/audit/record";
import { optionalPrincipal } from "@/lib/auth/caller";
import {
  consumeRecoveryToken,
  generateRecoveryToken,
  isAuthDisabled,
  isDirectLoopback,
  isRecoveryTokenValid,
  RECOVERY_TOKEN_TTL_MS,
  setAuthDisabled,
} from "@/lib/auth/recovery";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

const RecoverySchema = z.object({
  action: z.enum(["generate_token", "disable_auth", "enable_auth"], { message: "action must be generate_token, disable_auth or enable_auth" }),
  token: z.string().max(256).optional(),
  /** minutes a generated token stays valid (Pulse's `duration`), at most 60 */
  duration: z.number().int().min(1).max(60).optional(),
});

const presentedToken = (request: Request, body?: string) => (request.headers.get("x-recovery-token") ?? body)?.trim();

/** Recovery mode status: for this machine, a recovery-token holder, or anyone signed in. */
export const GET = apiRoute("GET /api/security/recovery", async ({ request }) => {
  const db = getDb();
  const allowed =
    isDirectLoopback(request) || (await isRecoveryTokenValid(db, presentedToken(request))) || !!(await optionalPrincipal(request, db));
  if (!allowed) throw new ApiError("forbidden", "Recovery endpoint requires localhost access or a valid recovery token");
  const disabled = await isAuthDisabled(db);
  return {
    recovery_mode: disabled,
    recoveryMode: disabled,
    message: disabled ? "Authentication is disabled for requests from localhost" : "Authentication is enabled",
  };
});

export const POST = apiRoute("POST /api/security/recovery", async ({ request }) => {
  const db = getDb();
  const input = await parseJsonBody(request, RecoverySchema, 4096);
  const ip = clientIp(request);
  const audit = (success: boolean, details: string) => recordAuditEvent(db, { event: "recovery", ip, path: "/api/security/recovery", success, details });

  if (input.action === "generate_token") {
    if (!isDirectLoopback(request)) {
      await audit(false, "Recovery token requested from outside localhost");
      throw new ApiError("forbidden", "Recovery tokens can only be generated from localhost (a direct connection, not through a proxy)");
    }
    const minutes = input.duration ?? RECOVERY_TOKEN_TTL_MS / 60_000;
    const { token, expiresAt } = await generateRecoveryToken(db, { ttlMs: minutes * 60_000 });
    await audit(true, `Recovery token generated (valid ${minutes} min)`);
    return {
      success: true,
      token,
      expires_in_minutes: minutes,
      expiresAt: expiresAt.toISOString(),
      message: `Recovery token generated. Valid for ${minutes} minutes, for one use.`,
    };
  }

  if (!(await consumeRecoveryToken(db, presentedToken(request, input.token)))) {
    await audit(false, `${input.action} refused: missing, used or expired recovery token`);
    throw new ApiError("unauthorized", "A valid, unused recovery token is required (X-Recovery-Token header or \"token\")");
  }
  const disable = input.action === "disable_auth";
  await setAuthDisabled(db, disable);
  await audit(true, disable ? "Authentication disabled for localhost (recovery mode)" : "Authentication re-enabled");
  return {
    success: true,
    recoveryMode: disable,
    message: disable
      ? "Recovery mode enabled: requests from localhost need no credentials. Re-enable authentication when done."
      : "Recovery mode disabled. Authentication re-enabled.",
  };
});
