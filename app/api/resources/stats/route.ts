import { apiRoute } from "@/lib/api/route";
import { resourceStats } from "@/lib/state/resources";
import { getResources } from "@/lib/state/store";

export const dynamic = "force-dynamic";

export const GET = apiRoute("GET /api/resources/stats", async () => {
  const { resources, lastUpdate } = await getResources();
  return resourceStats(resources, lastUpdate);
});
