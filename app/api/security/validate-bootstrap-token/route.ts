import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { parseJsonBody } from "@/lib/api/request";
import { apiRoute } from "@/lib/api/route";
import { isValidBootstrapToken } from "@/lib/auth/setup";
import { getEnv } from "@/lib/config/env";

export const dynamic = "force-dynamic";

const BodySchema = z.object({ token: z.string().max(256).optional() });

/** First-run wizard, step one: is this the bootstrap token from the data directory? 204 if so. */
export const POST = apiRoute("POST /api/security/validate-bootstrap-token", async ({ request }) => {
  const token = request.headers.get("x-setup-token")?.trim() || (await parseJsonBody(request, BodySchema, 4096)).token?.trim();
  if (!token) throw new ApiError("unauthorized", "Bootstrap token is required (X-Setup-Token header or {\"token\"})");
  if (!isValidBootstrapToken(getEnv().dataDir, token)) throw new ApiError("unauthorized", "Invalid bootstrap setup token");
  return undefined;
});
