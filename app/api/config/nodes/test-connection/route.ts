import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { NodeCreateSchema } from "@/lib/nodes/schemas";
import { testNodeInput } from "@/lib/nodes/service";
import { connectionTestResponse } from "@/lib/nodes/test-response";

export const dynamic = "force-dynamic";

/** Try the given credentials against the node before saving them. */
export const POST = apiRoute("POST /api/config/nodes/test-connection", async ({ request }) => {
  const input = await parseJsonBody(request, NodeCreateSchema);
  return connectionTestResponse(await testNodeInput(input));
});
