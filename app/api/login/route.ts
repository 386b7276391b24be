import { z } from "zod";
import { clientIp } from "@/lib/api/client-ip";
import { parseJsonBody } from "@/lib/api/request";
import { apiRoute } from "@/lib/api/route";
import { isSecureRequest } from "@/lib/auth/cookies";
import { attemptLogin, loginFailureBody } from "@/lib/auth/login";
import { jsonWithHeaders, sessionCookieHeaders } from "@/lib/auth/session-cookies";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Credentials are small; a bigger body is refused before any password work. */
const LOGIN_BODY_LIMIT = 16 * 1024;

const LoginSchema = z.object({
  username: z.string().trim().min(1, "username is required").max(256),
  password: z.string().min(1, "password is required"),
  rememberMe: z.boolean().optional(),
});

export const POST = apiRoute("POST /api/login", async ({ request }) => {
  const input = await parseJsonBody(request, LoginSchema, LOGIN_BODY_LIMIT);
  const result = await attemptLogin(getDb(), {
    ...input,
    ip: clientIp(request),
    userAgent: request.headers.get("user-agent") ?? undefined,
  });
  if (!result.ok) {
    const { status, body } = loginFailureBody(result);
    return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
  }
  return jsonWithHeaders({ success: true, message: "Successfully logged in" }, sessionCookieHeaders(result.issued, isSecureRequest(request)));
});
