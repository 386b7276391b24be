import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { auditFields } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/record";
import { sendToWorker } from "@/lib/bus";
import { getDb } from "@/lib/db/client";
import { presentNode } from "@/lib/nodes/present";
import { NodeCreateSchema } from "@/lib/nodes/schemas";
import { addNode, listNodeConfigs } from "@/lib/nodes/service";
import { connectionStatuses } from "@/lib/nodes/status";

export const dynamic = "force-dynamic";

export const GET = apiRoute("GET /api/config/nodes", async () => {
  const configs = await listNodeConfigs(getDb());
  const statuses = await connectionStatuses(configs);
  return configs.map((c) => presentNode(c, statuses.get(c.id)));
});

export const POST = apiRoute("POST /api/config/nodes", async ({ request, principal }) => {
  const input = await parseJsonBody(request, NodeCreateSchema);
  const node = await addNode(getDb(), input);
  sendToWorker({ type: "reload-config" });
  await recordAuditEvent(getDb(), { event: "node_added", ...auditFields(request, principal), success: true, details: `Added ${node.type} node "${node.name}" (${node.id}) at ${node.host}` });
  return Response.json(presentNode(node), { status: 201 });
});
