import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { NodeCreateSchema } from "@/lib/nodes/schemas";
import { testNodeInput } from "@/lib/nodes/service";
import { connectionTestBody } from "@/lib/nodes/test-response";

export const dynamic = "force-dynamic";

/** Validate a node config without saving it: always 200 with `success` and the reason (400 only for malformed input). */
export const POST = apiRoute("POST /api/config/nodes/test-config", async ({ request }) => {
  const input = await parseJsonBody(request, NodeCreateSchema);
  return connectionTestBody(await testNodeInput(input));
});
