import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { sendToWorker } from "@/lib/bus";
import { getDb } from "@/lib/db/client";
import { presentNode } from "@/lib/nodes/present";
import { NodeUpdateSchema } from "@/lib/nodes/schemas";
import { removeNode, requireNode, updateNode } from "@/lib/nodes/service";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>("PUT /api/config/nodes/{id}", async ({ request, params, principal }) => {
  const input = await parseJsonBody(request, NodeUpdateSchema);
  const node = await updateNode(getDb(), params.id, input);
  sendToWorker({ type: "reload-config" });
  await recordAuditEvent(getDb(), { event: "node_updated", ...auditFields(request, principal), success: true, details: `Updated ${node.type} node "${node.name}" (${node.id})` });
  return presentNode(node);
});

export const DELETE = apiRoute<{ id: string }>("DELETE /api/config/nodes/{id}", async ({ request, params, principal }) => {
  const node = await requireNode(getDb(), params.id);
  await removeNode(getDb(), params.id);
  sendToWorker({ type: "reload-config" });
  await recordAuditEvent(getDb(), { event: "node_removed", ...auditFields(request, principal), success: true, details: `Removed ${node.type} node "${node.name}" (${node.id})` });
  return { success: true, message: "Node removed" };
});
