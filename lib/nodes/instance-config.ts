/** A stored node config as the PVE client and poller take it. */
import type { NodeConfig } from "../db/node-configs";
import type { PveInstanceConfig } from "../proxmox/config";

type Source = Pick<NodeConfig, "name" | "host" | "user" | "password" | "tokenName" | "tokenValue" | "fingerprint" | "verifySsl" | "isCluster" | "clusterName" | "clusterEndpoints"> &
  Partial<Pick<NodeConfig, "options">>;

export function toPveInstanceConfig(c: Source, timeoutMs?: number): PveInstanceConfig {
  const o = (c.options ?? {}) as Record<string, unknown>;
  return {
    name: c.name,
    host: c.host,
    user: c.user,
    password: c.password,
    tokenName: c.tokenName,
    tokenValue: c.tokenValue,
    fingerprint: c.fingerprint,
    verifySsl: c.verifySsl,
    isCluster: c.isCluster,
    clusterName: c.clusterName,
    clusterEndpoints: c.clusterEndpoints,
    monitorVMs: o.monitorVMs !== false,
    monitorContainers: o.monitorContainers !== false,
    monitorStorage: o.monitorStorage !== false,
    timeoutMs,
  };
}
