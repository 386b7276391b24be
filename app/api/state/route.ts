import { apiRoute } from "@/lib/api/route";
import { getPublishedState } from "@/lib/state/store";

export const dynamic = "force-dynamic";

/** The whole live state, as serialized once by the worker. */
export const GET = apiRoute("monitoring:read", async () => {
  const { json } = await getPublishedState();
  return new Response(json, { headers: { "content-type": "application/json", "cache-control": "no-store" } });
});
