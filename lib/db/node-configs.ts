/**
 * Configured Proxmox endpoints (PVE / PBS / PMG). Passwords and API token values are
 * stored only as AES-GCM ciphertext and decrypted on read.
 */
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import type { NodeConfig as NodeConfigRow } from "@/lib/generated/sqlite/client";
import type { Db } from "./client";
import { isRecordNotFound, isUniqueViolation, parseJsonColumn } from "./errors";

export type NodeType = "pve" | "pbs" | "pmg";
export type NodeSource = "manual" | "script" | "agent";

/** A member of a PVE cluster, discovered through /cluster/status; used for failover. */
export interface ClusterEndpoint {
  nodeName: string;
  host: string;
  ip?: string;
  fingerprint?: string;
  online?: boolean;
}

export interface NodeConfig {
  id: string;
  type: NodeType;
  name: string;
  host: string;
  guestUrl?: string;
  user?: string;
  password?: string;
  tokenName?: string;
  tokenValue?: string;
  fingerprint?: string;
  verifySsl: boolean;
  /** Per-type monitor toggles (monitorVMs, monitorBackups, ...). */
  options: Record<string, unknown>;
  isCluster: boolean;
  clusterName?: string;
  clusterEndpoints: ClusterEndpoint[];
  source: NodeSource;
  createdAt: Date;
  updatedAt: Date;
}

export interface NodeConfigInput {
  type: NodeType;
  name: string;
  host: string;
  guestUrl?: string;
  user?: string;
  password?: string;
  tokenName?: string;
  tokenValue?: string;
  fingerprint?: string;
  verifySsl?: boolean;
  options?: Record<string, unknown>;
  isCluster?: boolean;
  clusterName?: string;
  clusterEndpoints?: ClusterEndpoint[];
  source?: NodeSource;
}

type Nullable<T> = { [K in keyof T]?: T[K] | null };
type OptionalText = "guestUrl" | "user" | "password" | "tokenName" | "tokenValue" | "fingerprint" | "clusterName";

/**
 * Partial update. An omitted (undefined) field keeps its stored value; `null` clears an
 * optional field (for password/tokenValue: removes the stored secret). Empty strings
 * count as null: an empty credential is never meaningful.
 */
export type NodeConfigPatch = Nullable<Pick<NodeConfigInput, OptionalText>> &
  Partial<Omit<NodeConfigInput, OptionalText | "type">>;

export class NodeNameConflictError extends Error {
  constructor(
    readonly type: NodeType,
    readonly nodeName: string,
  ) {
    super(`a ${type} node named "${nodeName}" already exists`);
    this.name = "NodeNameConflictError";
  }
}

export class NodeNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`node ${id} not found`);
    this.name = "NodeNotFoundError";
  }
}

/** undefined → keep (undefined), null/"" → clear (null), else the value. */
function optional(v: string | null | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  return v === null || v === "" ? null : v;
}

function secret(v: string | null | undefined): string | null | undefined {
  const value = optional(v);
  return typeof value === "string" ? encryptSecret(value) : value;
}

function toDomain(row: NodeConfigRow): NodeConfig {
  return {
    id: row.id,
    type: row.type as NodeType,
    name: row.name,
    host: row.host,
    guestUrl: row.guestUrl ?? undefined,
    user: row.user ?? undefined,
    password: row.passwordEnc ? decryptSecret(row.passwordEnc) : undefined,
    tokenName: row.tokenName ?? undefined,
    tokenValue: row.tokenValueEnc ? decryptSecret(row.tokenValueEnc) : undefined,
    fingerprint: row.fingerprint ?? undefined,
    verifySsl: row.verifySsl,
    options: parseJsonColumn<Record<string, unknown>>(row.options, {}),
    isCluster: row.isCluster,
    clusterName: row.clusterName ?? undefined,
    clusterEndpoints: parseJsonColumn<ClusterEndpoint[]>(row.clusterEndpoints, []),
    source: row.source as NodeSource,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Column values for the fields present in `p` (shared by create and update). */
function toColumns(p: NodeConfigPatch) {
  return {
    name: p.name,
    host: p.host,
    guestUrl: optional(p.guestUrl),
    user: optional(p.user),
    passwordEnc: secret(p.password),
    tokenName: optional(p.tokenName),
    tokenValueEnc: secret(p.tokenValue),
    fingerprint: optional(p.fingerprint),
    verifySsl: p.verifySsl,
    options: p.options === undefined ? undefined : JSON.stringify(p.options),
    isCluster: p.isCluster,
    clusterName: optional(p.clusterName),
    clusterEndpoints: p.clusterEndpoints === undefined ? undefined : JSON.stringify(p.clusterEndpoints),
    source: p.source,
  };
}

/** All nodes, grouped by type then by name (the order the settings page lists them). */
export async function listNodeConfigs(db: Db): Promise<NodeConfig[]> {
  const rows = await db.nodeConfig.findMany({ orderBy: [{ type: "asc" }, { name: "asc" }] });
  return rows.map(toDomain);
}

export async function getNodeConfig(db: Db, id: string): Promise<NodeConfig | null> {
  const row = await db.nodeConfig.findUnique({ where: { id } });
  return row ? toDomain(row) : null;
}

/** @throws NodeNameConflictError when a node of the same type already has this name. */
export async function createNodeConfig(db: Db, input: NodeConfigInput): Promise<NodeConfig> {
  try {
    const row = await db.nodeConfig.create({
      data: { ...toColumns(input), type: input.type, name: input.name, host: input.host },
    });
    return toDomain(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new NodeNameConflictError(input.type, input.name);
    throw err;
  }
}

/**
 * Apply `patch` (see NodeConfigPatch for keep/clear semantics).
 * @throws NodeNotFoundError, NodeNameConflictError
 */
export async function updateNodeConfig(db: Db, id: string, patch: NodeConfigPatch): Promise<NodeConfig> {
  try {
    return toDomain(await db.nodeConfig.update({ where: { id }, data: toColumns(patch) }));
  } catch (err) {
    if (isRecordNotFound(err)) throw new NodeNotFoundError(id);
    if (isUniqueViolation(err)) {
      const current = await db.nodeConfig.findUnique({ where: { id }, select: { type: true } });
      throw new NodeNameConflictError((current?.type ?? "pve") as NodeType, patch.name ?? "");
    }
    throw err;
  }
}

/** Returns false when no node had this id. */
export async function deleteNodeConfig(db: Db, id: string): Promise<boolean> {
  const { count } = await db.nodeConfig.deleteMany({ where: { id } });
  return count > 0;
}
