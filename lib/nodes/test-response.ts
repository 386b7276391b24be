/** How a connection test is reported to API clients. */
import { ApiError } from "../api/errors";
import type { ConnectionTestResult } from "../proxmox/discovery";

export function connectionTestBody(r: ConnectionTestResult) {
  return {
    status: r.ok ? "success" : "error",
    success: r.ok,
    message: r.ok
      ? r.isCluster
        ? `Connected to cluster ${r.clusterName ?? ""} (${r.nodes.length} nodes)`.replace("  ", " ")
        : `Connected to Proxmox VE node ${r.nodes[0] ?? ""}`.trim()
      : `Connection failed: ${r.error?.message ?? "unknown error"}`,
    errorKind: r.ok ? undefined : r.error?.kind,
    version: r.version,
    isCluster: r.isCluster,
    clusterName: r.clusterName,
    nodeCount: r.nodes.length,
    nodes: r.nodes,
    endpoints: r.endpoints,
  };
}

/** test-connection and node tests answer 400 with the reason when the node cannot be used. */
export function connectionTestResponse(r: ConnectionTestResult) {
  const body = connectionTestBody(r);
  if (!r.ok) throw new ApiError("connection_failed", body.message, { errorKind: body.errorKind });
  return body;
}
