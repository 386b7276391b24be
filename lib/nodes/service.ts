/**
 * Node configuration use cases behind `/api/config/nodes*`: add, update, remove, test
 * and re-discover Proxmox endpoints. Cluster membership is found through
 * `/cluster/status` when a PVE node is added, so failover endpoints are known up front.
 */
import { ApiError } from "../api/errors";
import {
  createNodeConfig,
  deleteNodeConfig,
  getNodeConfig,
  listNodeConfigs,
  type NodeConfig,
  NodeNameConflictError,
  updateNodeConfig,
} from "../db/node-configs";
import type { Db } from "../db/client";
import { testConnection, type ConnectionTestResult } from "../proxmox/discovery";
import { toPveInstanceConfig } from "./instance-config";
import { type NodeCreateInput, type NodeUpdateInput, pickOptions } from "./schemas";

/** Discovery while saving must not hold the request long. */
const DISCOVERY_TIMEOUT_MS = 8000;

function normalizeHost(host: string, type: NodeCreateInput["type"]): string {
  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `https://${host}`;
  const u = new URL(withScheme);
  if (!u.port) u.port = type === "pbs" ? "8007" : "8006";
  return `${u.protocol}//${u.host}`;
}

/** `tokenName` may carry the user (`user@realm!id`); split it the way Pulse stores it. */
function splitToken(user: string | undefined, tokenName: string | undefined) {
  if (tokenName?.includes("!")) return { user: user || tokenName.split("!")[0], tokenName };
  return { user, tokenName: tokenName && user ? `${user}!${tokenName}` : tokenName };
}

/** A node not saved yet: its cluster membership is what the test will discover. */
function unsavedInstance(c: ReturnType<typeof fromInput>) {
  return toPveInstanceConfig({ ...c, isCluster: false, clusterName: undefined, clusterEndpoints: [] }, DISCOVERY_TIMEOUT_MS);
}

function fromInput(input: NodeCreateInput) {
  const { user, tokenName } = splitToken(input.user || undefined, input.tokenName || undefined);
  const usesToken = !!(tokenName && input.tokenValue);
  return {
    type: input.type,
    name: input.name,
    host: normalizeHost(input.host, input.type),
    guestUrl: input.guestURL || undefined,
    user,
    password: usesToken ? undefined : input.password,
    tokenName: usesToken ? tokenName : undefined,
    tokenValue: usesToken ? input.tokenValue : undefined,
    fingerprint: input.fingerprint?.trim() || undefined,
    verifySsl: input.verifySSL ?? false,
    options: pickOptions(input),
  };
}

export async function testNodeInput(input: NodeCreateInput): Promise<ConnectionTestResult> {
  const c = fromInput(input);
  if (c.type !== "pve") {
    throw new ApiError("bad_request", `Monitoring ${c.type.toUpperCase()} is not available yet; only type "pve" can be tested`);
  }
  return testConnection(unsavedInstance(c));
}

export async function testSavedNode(db: Db, id: string): Promise<ConnectionTestResult> {
  const c = await requireNode(db, id);
  return testConnection(toPveInstanceConfig(c, DISCOVERY_TIMEOUT_MS));
}

/** Cluster membership from a connection test, in the stored shape. */
function clusterFields(result: ConnectionTestResult) {
  if (!result.ok || !result.isCluster) return { isCluster: false, clusterName: null, clusterEndpoints: [] };
  return {
    isCluster: true,
    clusterName: result.clusterName,
    clusterEndpoints: result.endpoints.map((e) => ({ nodeName: e.nodeName, host: e.host, ip: e.ip, fingerprint: e.fingerprint, online: e.online })),
  };
}

export async function addNode(db: Db, input: NodeCreateInput): Promise<NodeConfig> {
  const c = fromInput(input);
  // An unreachable node is still saved (it may be down right now); it just starts
  // without known cluster endpoints and shows as disconnected until it answers.
  const discovery = c.type === "pve" ? await testConnection(unsavedInstance(c)) : undefined;
  try {
    const cluster = discovery ? clusterFields(discovery) : undefined;
    return await createNodeConfig(db, { ...c, ...cluster, clusterName: cluster?.clusterName ?? undefined, source: "manual" });
  } catch (err) {
    if (err instanceof NodeNameConflictError) throw new ApiError("conflict", `A ${c.type} node named "${c.name}" already exists`);
    throw err;
  }
}

export async function updateNode(db: Db, id: string, input: NodeUpdateInput): Promise<NodeConfig> {
  const current = await requireNode(db, id);
  const type = input.type ?? current.type;
  if (input.type && input.type !== current.type) throw new ApiError("bad_request", "type of an existing node cannot change");
  const patch: Parameters<typeof updateNodeConfig>[2] = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.host !== undefined) patch.host = normalizeHost(input.host, type);
  if (input.guestURL !== undefined) patch.guestUrl = input.guestURL || null;
  if (input.user !== undefined || input.tokenName !== undefined) {
    const { user, tokenName } = splitToken(input.user ?? current.user, input.tokenName ?? current.tokenName);
    patch.user = user ?? null;
    patch.tokenName = tokenName ?? null;
  }
  // Empty secrets mean "keep what is stored" (the UI never has them to send back).
  if (input.password) patch.password = input.password;
  if (input.tokenValue) patch.tokenValue = input.tokenValue;
  if (input.fingerprint !== undefined) patch.fingerprint = input.fingerprint.trim() || null;
  if (input.verifySSL !== undefined) patch.verifySsl = input.verifySSL;
  const options = pickOptions(input);
  if (Object.keys(options).length) patch.options = { ...current.options, ...options };
  try {
    return await updateNodeConfig(db, id, patch);
  } catch (err) {
    if (err instanceof NodeNameConflictError) throw new ApiError("conflict", `A ${type} node named "${input.name}" already exists`);
    throw err;
  }
}

export async function removeNode(db: Db, id: string): Promise<void> {
  await requireNode(db, id);
  await deleteNodeConfig(db, id);
}

export async function refreshCluster(db: Db, id: string): Promise<NodeConfig> {
  const current = await requireNode(db, id);
  const result = await testConnection(toPveInstanceConfig(current, DISCOVERY_TIMEOUT_MS));
  if (!result.ok) throw new ApiError("connection_failed", `Could not reach ${current.host}: ${result.error?.message ?? "unknown error"}`);
  return updateNodeConfig(db, id, clusterFields(result));
}

export async function requireNode(db: Db, id: string): Promise<NodeConfig> {
  const c = await getNodeConfig(db, id);
  if (!c) throw new ApiError("not_found", `Node ${id} not found`);
  return c;
}

export { listNodeConfigs };
