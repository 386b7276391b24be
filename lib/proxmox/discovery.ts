/**
 * Helpers for the node configuration API: validate credentials against a real endpoint,
 * detect a cluster and describe its members as failover endpoints.
 */
import { PveApi } from "./api";
import { PveClient } from "./client";
import { PveClusterClient, type LoggerLike } from "./cluster-client";
import { originWithAddress, type PveInstanceConfig } from "./config";
import { ok, type PveError, type PveResult } from "./errors";
import type { PveClusterStatusEntry, PveNodeListEntry } from "./schemas";
import { fetchFingerprint } from "./tls";

export interface DiscoveredEndpoint {
  nodeName: string;
  /** `scheme://<member ip>:<configured port>` */
  host: string;
  ip: string;
  fingerprint?: string;
  online: boolean;
}

export interface ConnectionTestResult {
  ok: boolean;
  error?: PveError;
  version?: string;
  nodes: string[];
  isCluster: boolean;
  clusterName?: string;
  /** cluster members (empty for a standalone node) */
  endpoints: DiscoveredEndpoint[];
}

/** Single client for multi-member configs, failover client otherwise. */
export function createPveApi(config: PveInstanceConfig, opts: { now?: () => number; logger?: LoggerLike } = {}): PveApi {
  return config.clusterEndpoints?.length ? new PveClusterClient(config, opts) : PveClient.fromConfig(config, { now: opts.now });
}

/**
 * Checks the configured host with real authenticated calls (`/nodes`, `/cluster/status`,
 * `/version`). A token without `Sys.Audit` on `/` gets 403 on `/cluster/status`: then the
 * node count decides whether it is a cluster.
 */
export async function testConnection(config: PveInstanceConfig): Promise<ConnectionTestResult> {
  const client = PveClient.fromConfig(config);
  try {
    const nodes = await client.getNodes();
    if (!nodes.ok) return { ok: false, error: nodes.error, nodes: [], isCluster: false, endpoints: [] };
    const [status, version] = await Promise.all([client.getClusterStatus(), client.getVersion()]);
    const info = describeCluster(config, nodes.data, status.ok ? status.data : undefined);
    return { ok: true, version: version.ok ? version.data.version : undefined, nodes: nodes.data.map((n) => n.node), ...info };
  } finally {
    await client.close();
  }
}

/**
 * Cluster members as endpoints. When the instance pins fingerprints or skips verification,
 * each member's own certificate is recorded (trust on first use), falling back to the
 * fingerprint PVE publishes in `/nodes`.
 */
export async function discoverClusterEndpoints(
  config: PveInstanceConfig,
): Promise<PveResult<{ isCluster: boolean; clusterName?: string; endpoints: DiscoveredEndpoint[] }>> {
  const client = PveClient.fromConfig(config);
  try {
    const [nodes, status] = await Promise.all([client.getNodes(), client.getClusterStatus()]);
    if (!nodes.ok) return nodes;
    if (!status.ok && status.error.kind !== "permission_denied") return status;
    const info = describeCluster(config, nodes.data, status.ok ? status.data : undefined);
    if (config.fingerprint || !config.verifySsl) {
      await Promise.all(
        info.endpoints.map(async (ep) => {
          const fp = await fetchFingerprint(ep.host, { timeoutMs: 5_000 });
          if (fp.ok) ep.fingerprint = fp.data;
        }),
      );
    }
    return ok(info);
  } finally {
    await client.close();
  }
}

function describeCluster(
  config: PveInstanceConfig,
  nodes: PveNodeListEntry[],
  status: PveClusterStatusEntry[] | undefined,
): { isCluster: boolean; clusterName?: string; endpoints: DiscoveredEndpoint[] } {
  const cluster = status?.find((e) => e.type === "cluster");
  const members = status?.filter((e) => e.type === "node") ?? [];
  const isCluster = cluster !== undefined || members.length > 1 || nodes.length > 1;
  if (!isCluster) return { isCluster, endpoints: [] };
  const published = new Map(nodes.map((n) => [n.node, n.ssl_fingerprint]));
  const endpoints: DiscoveredEndpoint[] = [];
  for (const m of members) {
    if (!m.name || !m.ip) continue;
    endpoints.push({
      nodeName: m.name,
      host: originWithAddress(config.host, m.ip),
      ip: m.ip,
      fingerprint: published.get(m.name) || undefined,
      online: m.online,
    });
  }
  return { isCluster, clusterName: cluster?.name || config.clusterName, endpoints };
}
