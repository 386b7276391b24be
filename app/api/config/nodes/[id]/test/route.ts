import { apiRoute } from "@/lib/api/route";
import { getDb } from "@/lib/db/client";
import { testSavedNode } from "@/lib/nodes/service";
import { connectionTestResponse } from "@/lib/nodes/test-response";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>("POST /api/config/nodes/{id}/test", async ({ params }) =>
  connectionTestResponse(await testSavedNode(getDb(), params.id)),
);
