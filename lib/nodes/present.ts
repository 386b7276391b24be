/** The node config as the API shows it: secrets replaced by `hasPassword` / `hasToken`. */
import type { NodeConfig } from "../db/node-configs";

export type NodeConnectionStatus = "connected" | "disconnected" | "error" | "pending";

export function presentNode(c: NodeConfig, status: NodeConnectionStatus = "pending") {
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    host: c.host,
    guestURL: c.guestUrl ?? "",
    user: c.user ?? "",
    tokenName: c.tokenName ?? "",
    fingerprint: c.fingerprint ?? "",
    verifySSL: c.verifySsl,
    hasPassword: !!c.password,
    hasToken: !!c.tokenValue,
    ...c.options,
    isCluster: c.isCluster,
    clusterName: c.clusterName ?? "",
    clusterEndpoints: c.clusterEndpoints.map((e) => ({
      nodeName: e.nodeName,
      host: e.host,
      ip: e.ip ?? "",
      fingerprint: e.fingerprint ?? "",
      online: e.online ?? false,
    })),
    source: c.source,
    status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export type NodeResponse = ReturnType<typeof presentNode>;
