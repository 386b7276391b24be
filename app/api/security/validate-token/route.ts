import { z } from "zod";
import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { isValidToken } from "@/lib/auth/tokens";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

const Body = z.object({ token: z.string().min(1, "token is required").max(1024) });

export const POST = apiRoute("POST /api/security/validate-token", async ({ request }) => {
  const { token } = await parseJsonBody(request, Body, 16 * 1024);
  const valid = await isValidToken(getDb(), token);
  return { valid, message: valid ? "Token is valid" : "Token is not valid" };
});
