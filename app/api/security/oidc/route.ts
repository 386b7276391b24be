import { parseJsonBody } from "@/lib/api/request";
import { apiRoute } from "@/lib/api/route";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { loadOidcConfig, oidcRedirectUri, OidcUpdateSchema, publicOidcConfig, saveOidcConfig } from "@/lib/auth/oidc/config";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

async function view(request: Request) {
  const loaded = await loadOidcConfig(getDb());
  return publicOidcConfig(loaded, oidcRedirectUri(request, { redirectUrl: "" }));
}

/** The SSO settings, without the client secret (`clientSecretSet` says whether one is stored). */
export const GET = apiRoute("GET /api/security/oidc", ({ request }) => view(request));

/** Saves SSO settings; fields set by OIDC_* environment variables cannot be changed. */
export const POST = apiRoute("POST /api/security/oidc", async ({ request, principal }) => {
  const update = await parseJsonBody(request, OidcUpdateSchema);
  const changed = await saveOidcConfig(getDb(), update);
  await recordAuditEvent(getDb(), {
    event: "oidc_config_changed",
    ...auditFields(request, principal),
    success: true,
    details: changed.length ? `Changed: ${changed.join(", ")}` : "No changes",
  });
  return view(request);
});
