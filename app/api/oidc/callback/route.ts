import { apiRoute } from "@/lib/api/route";
import { oidcCallbackResponse } from "@/lib/auth/oidc/flow";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Where the IdP sends the browser back: verifies the answer and opens a Pulse session. */
export const GET = apiRoute("GET /api/oidc/callback", ({ request }) => oidcCallbackResponse(request, getDb()));
