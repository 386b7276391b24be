import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { getResources } from "@/lib/state/store";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("GET /api/resources/{id}", async ({ params }) => {
  const id = decodeURIComponent(params.id);
  const { resources } = await getResources();
  const resource = resources.find((r) => r.id === id);
  if (!resource) throw new ApiError("not_found", `Resource ${id} not found`);
  return resource;
});
