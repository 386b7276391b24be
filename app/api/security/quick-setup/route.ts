import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { clientIp } from "@/lib/api/client-ip";
import { parseJsonBody, validate } from "@/lib/api/request";
import { apiRoute } from "@/lib/api/route";
import { isAdministrator, optionalPrincipal } from "@/lib/auth/caller";
import { isSecureRequest } from "@/lib/auth/cookies";
import { QuickSetupSchema, runQuickSetup } from "@/lib/auth/quick-setup";
import { jsonWithHeaders, sessionCookieHeaders } from "@/lib/auth/session-cookies";
import { createSession } from "@/lib/auth/sessions";
import { isValidBootstrapToken } from "@/lib/auth/setup";
import { getEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/**
 * Creates the administrator. Needs the bootstrap token (`X-Setup-Token` or `setupToken`)
 * or an administrator already signed in; once a password user exists it refuses unless
 * an administrator sends `force`. Signs the new administrator in.
 */
export const POST = apiRoute("POST /api/security/quick-setup", async ({ request }) => {
  const db = getDb();
  const { dataDir } = getEnv();
  // Who may do this is settled before the body is judged: strangers learn nothing from validation errors.
  const raw = await parseJsonBody(request, z.record(z.string(), z.unknown()), 16 * 1024);
  const setupToken = request.headers.get("x-setup-token")?.trim() || (typeof raw.setupToken === "string" ? raw.setupToken.trim() : undefined);
  const viaBootstrap = !!setupToken && isValidBootstrapToken(dataDir, setupToken);
  const caller = viaBootstrap ? undefined : await optionalPrincipal(request, db);
  const admin = isAdministrator(caller);
  if (!viaBootstrap && !admin) {
    throw new ApiError(
      "unauthorized",
      setupToken ? "Invalid bootstrap setup token" : "A bootstrap token (X-Setup-Token) or an administrator's credentials are required",
    );
  }

  const input = validate(QuickSetupSchema, raw);
  const ip = clientIp(request);
  const actor = caller?.kind === "user" ? caller.username : caller?.kind === "token" ? `token:${caller.name}` : undefined;
  const outcome = await runQuickSetup(db, { dataDir, input, allowReconfigure: admin && !!input.force, actor, ip });
  if (!outcome.ok) {
    throw new ApiError("conflict", "Password authentication is already configured. An administrator can reconfigure it with \"force\": true.", { success: false, skipped: true });
  }

  const issued = await createSession(db, { username: input.username, method: "password", ip, userAgent: request.headers.get("user-agent") ?? undefined });
  return jsonWithHeaders(
    {
      success: true,
      message: "Security enabled immediately! Your settings are saved and active.",
      username: input.username,
      apiTokenConfigured: outcome.apiTokenRegistered,
      requiresManualRestart: false,
      method: "database",
    },
    sessionCookieHeaders(issued, isSecureRequest(request)),
  );
});
