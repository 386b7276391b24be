/**
 * The node config request (Pulse's NodeConfigRequest): what the UI and API clients send
 * to add, update or test a Proxmox endpoint. Field names are Pulse's.
 */
import { z } from "zod";

export const NODE_TYPES = ["pve", "pbs", "pmg"] as const;
export type NodeType = (typeof NODE_TYPES)[number];

const text = (max: number) => z.string().trim().max(max);

/** `https://host:port`, `host:port` or `host`; no paths, no credentials in the URL. */
export const HostSchema = text(512)
  .min(1, "host is required")
  .refine((h) => {
    try {
      const u = new URL(/^[a-z]+:\/\//i.test(h) ? h : `https://${h}`);
      return (u.protocol === "https:" || u.protocol === "http:") && !!u.hostname && !u.username && !u.password && (u.pathname === "/" || u.pathname === "");
    } catch {
      return false;
    }
  }, "host must look like https://192.168.1.10:8006");

/** SHA-256 fingerprint as 64 hex digits, colons optional. */
export const FingerprintSchema = text(200).refine(
  (f) => f === "" || /^[0-9a-f]{64}$/i.test(f.replace(/:/g, "")),
  "fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)",
);

/** Per-type monitoring toggles, kept as free options on the stored config. */
export const NodeOptionsSchema = z.object({
  monitorVMs: z.boolean().optional(),
  monitorContainers: z.boolean().optional(),
  monitorStorage: z.boolean().optional(),
  monitorBackups: z.boolean().optional(),
  monitorPhysicalDisks: z.boolean().optional(),
  physicalDiskPollingMinutes: z.number().int().min(1).max(1440).optional(),
  temperatureMonitoringEnabled: z.boolean().optional(),
  monitorDatastores: z.boolean().optional(),
  monitorSyncJobs: z.boolean().optional(),
  monitorVerifyJobs: z.boolean().optional(),
  monitorPruneJobs: z.boolean().optional(),
  monitorGarbageJobs: z.boolean().optional(),
  excludeDatastores: z.array(text(128)).max(256).optional(),
  monitorMailStats: z.boolean().optional(),
  monitorQueues: z.boolean().optional(),
  monitorQuarantine: z.boolean().optional(),
  monitorDomainStats: z.boolean().optional(),
});

const NodeFields = z.object({
  type: z.enum(NODE_TYPES),
  name: text(128).min(1, "name is required"),
  host: HostSchema,
  guestURL: text(512).optional(),
  user: text(256).optional(),
  password: z.string().max(1024).optional(),
  tokenName: text(256).optional(),
  tokenValue: z.string().max(1024).optional(),
  fingerprint: FingerprintSchema.optional(),
  verifySSL: z.boolean().optional(),
});

const hasCredentials = (n: { user?: string; password?: string; tokenName?: string; tokenValue?: string }) =>
  !!(n.tokenName && n.tokenValue) || !!(n.user && n.password);

export const NodeCreateSchema = NodeFields.extend(NodeOptionsSchema.shape).refine(hasCredentials, {
  message: "either tokenName + tokenValue or user + password is required",
});
export type NodeCreateInput = z.infer<typeof NodeCreateSchema>;

/** Updates are partial; an omitted or empty password/tokenValue keeps the stored secret. */
export const NodeUpdateSchema = NodeFields.extend(NodeOptionsSchema.shape).partial();
export type NodeUpdateInput = z.infer<typeof NodeUpdateSchema>;

export function pickOptions(input: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(NodeOptionsSchema.shape);
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => keys.includes(k) && v !== undefined));
}
