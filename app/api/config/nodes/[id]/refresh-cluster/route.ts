import { apiRoute } from "@/lib/api/route";
import { sendToWorker } from "@/lib/bus";
import { getDb } from "@/lib/db/client";
import { presentNode } from "@/lib/nodes/present";
import { refreshCluster } from "@/lib/nodes/service";

export const dynamic = "force-dynamic";

/** Re-read `/cluster/status` and store the current member endpoints. */
export const POST = apiRoute<{ id: string }>("POST /api/config/nodes/{id}/refresh-cluster", async ({ params }) => {
  const node = await refreshCluster(getDb(), params.id);
  sendToWorker({ type: "reload-config" });
  return presentNode(node);
});
