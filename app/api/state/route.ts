import { apiRoute } from "@/lib/api/route";
import { getStateBytes } from "@/lib/state/store";

export const dynamic = "force-dynamic";

/** The whole live state, as serialized once by the worker. */
export const GET = apiRoute("GET /api/state", async () => {
  const bytes = await getStateBytes();
  return new Response(bytes as BodyInit, { headers: { "content-type": "application/json", "cache-control": "no-store" } });
});
