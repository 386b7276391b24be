/**
 * The typed PVE calls the poller and the config API need. Implemented once here on top
 * of `request`, which a single-endpoint client or the cluster failover client provides.
 */
import type { z } from "zod";
import type { PveResult } from "./errors";
import {
  AgentFsInfoSchema,
  AgentInfoSchema,
  AgentNetworkInterfacesSchema,
  AgentOsInfoSchema,
  ClusterStatusSchema,
  ClusterVmResourcesSchema,
  LxcConfigSchema,
  LxcInterfacesSchema,
  NodeListSchema,
  NodeStatusSchema,
  NodeStorageSchema,
  QemuStatusSchema,
  StorageConfigSchema,
  VersionSchema,
} from "./schemas";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface CallOptions {
  /** header + total timeout for this call (default: 10 s headers / client total) */
  timeoutMs?: number;
  signal?: AbortSignal;
  query?: Record<string, string | number | boolean | undefined>;
  /** form parameters for writes */
  body?: Record<string, string | number | boolean | undefined>;
}

/** Guest-agent fsinfo can take long inside the guest (Pulse: 15 s, one retry on timeout). */
export const AGENT_FSINFO_TIMEOUT_MS = 15_000;
export const AGENT_METADATA_TIMEOUT_MS = 10_000;

const seg = encodeURIComponent;

export abstract class PveApi {
  abstract request<S extends z.ZodType>(method: HttpMethod, path: string, schema: S, opts?: CallOptions): Promise<PveResult<z.output<S>>>;
  abstract close(): Promise<void>;

  get<S extends z.ZodType>(path: string, schema: S, opts?: CallOptions) {
    return this.request("GET", path, schema, opts);
  }

  getVersion(opts?: CallOptions) {
    return this.get("/version", VersionSchema, opts);
  }

  getNodes(opts?: CallOptions) {
    return this.get("/nodes", NodeListSchema, opts);
  }

  getNodeStatus(node: string, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/status`, NodeStatusSchema, opts);
  }

  getClusterStatus(opts?: CallOptions) {
    return this.get("/cluster/status", ClusterStatusSchema, opts);
  }

  getClusterResources(type: "vm", opts?: CallOptions) {
    return this.get("/cluster/resources", ClusterVmResourcesSchema, { ...opts, query: { ...opts?.query, type } });
  }

  getQemuStatus(node: string, vmid: number, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/qemu/${vmid}/status/current`, QemuStatusSchema, opts);
  }

  getAgentFsInfo(node: string, vmid: number, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/qemu/${vmid}/agent/get-fsinfo`, AgentFsInfoSchema, { timeoutMs: AGENT_FSINFO_TIMEOUT_MS, ...opts });
  }

  getAgentNetworkInterfaces(node: string, vmid: number, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/qemu/${vmid}/agent/network-get-interfaces`, AgentNetworkInterfacesSchema, {
      timeoutMs: AGENT_METADATA_TIMEOUT_MS,
      ...opts,
    });
  }

  getAgentOsInfo(node: string, vmid: number, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/qemu/${vmid}/agent/get-osinfo`, AgentOsInfoSchema, { timeoutMs: AGENT_METADATA_TIMEOUT_MS, ...opts });
  }

  getAgentInfo(node: string, vmid: number, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/qemu/${vmid}/agent/info`, AgentInfoSchema, { timeoutMs: AGENT_METADATA_TIMEOUT_MS, ...opts });
  }

  getLxcConfig(node: string, vmid: number, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/lxc/${vmid}/config`, LxcConfigSchema, opts);
  }

  getLxcInterfaces(node: string, vmid: number, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/lxc/${vmid}/interfaces`, LxcInterfacesSchema, opts);
  }

  getNodeStorage(node: string, opts?: CallOptions) {
    return this.get(`/nodes/${seg(node)}/storage`, NodeStorageSchema, opts);
  }

  getStorageConfig(opts?: CallOptions) {
    return this.get("/storage", StorageConfigSchema, opts);
  }
}
