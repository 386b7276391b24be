/** API token scopes (Pulse's names). `*` grants everything. */
export const SCOPES = [
  "*",
  "monitoring:read",
  "monitoring:write",
  "settings:read",
  "settings:write",
  "docker:report",
  "docker:manage",
  "kubernetes:report",
  "kubernetes:manage",
  "host-agent:report",
  "host-agent:config:read",
  "host-agent:manage",
] as const;

export type Scope = (typeof SCOPES)[number];

/** What a route requires: nothing, or an authenticated principal holding a scope. */
export type Access = "public" | Scope;

export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes("*") || granted.includes(required);
}
