import { z } from "zod";
import { apiRoute } from "@/lib/api/route";
import { parseQuery } from "@/lib/api/request";
import { resourceStats } from "@/lib/state/resources";
import { getResources } from "@/lib/state/store";

export const dynamic = "force-dynamic";

const csv = z
  .string()
  .max(512)
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
  .optional();

const Query = z.object({ type: csv, status: csv, platform: csv, parent: z.string().max(256).optional(), q: z.string().max(256).optional() });

/** The unified resource list, optionally filtered by type, status, platform, parent or name. */
export const GET = apiRoute("GET /api/resources", async ({ request }) => {
  const f = parseQuery(request, Query);
  const { resources, lastUpdate } = await getResources();
  const q = f.q?.toLowerCase();
  const list = resources.filter(
    (r) =>
      (!f.type?.length || f.type.includes(r.type)) &&
      (!f.status?.length || f.status.includes(r.status)) &&
      (!f.platform?.length || f.platform.includes(r.platformType)) &&
      (!f.parent || r.parentId === f.parent) &&
      (!q || r.name.toLowerCase().includes(q) || r.id.toLowerCase().includes(q)),
  );
  return { resources: list, count: list.length, stats: resourceStats(list, lastUpdate), lastUpdate };
});
