import { apiRoute } from "@/lib/api/route";
import { oidcLoginResponse } from "@/lib/auth/oidc/flow";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Starts SSO: redirects to the IdP (state, nonce and PKCE by next-auth); `?returnTo=/path` comes back there. */
export const GET = apiRoute("GET /api/oidc/login", ({ request }) => oidcLoginResponse(request, getDb()));
