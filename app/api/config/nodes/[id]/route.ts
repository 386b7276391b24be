import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { sendToWorker } from "@/lib/bus";
import { getDb } from "@/lib/db/client";
import { presentNode } from "@/lib/nodes/present";
import { NodeUpdateSchema } from "@/lib/nodes/schemas";
import { removeNode, updateNode } from "@/lib/nodes/service";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>("PUT /api/config/nodes/{id}", async ({ request, params }) => {
  const input = await parseJsonBody(request, NodeUpdateSchema);
  const node = await updateNode(getDb(), params.id, input);
  sendToWorker({ type: "reload-config" });
  return presentNode(node);
});

export const DELETE = apiRoute<{ id: string }>("DELETE /api/config/nodes/{id}", async ({ params }) => {
  await removeNode(getDb(), params.id);
  sendToWorker({ type: "reload-config" });
  return { success: true, message: "Node removed" };
});
