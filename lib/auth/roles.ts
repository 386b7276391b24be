/**
 * RBAC: roles grant permissions (`{action, resource}`, Pulse's shape); a signed-in user's
 * scopes and admin rights come from the roles assigned to them. Built-in roles are
 * admin, operator, viewer and auditor.
 */
import type { Scope } from "./scopes";
import { SCOPES } from "./scopes";

export const ACTIONS = ["read", "write", "delete", "admin"] as const;
export type Action = (typeof ACTIONS)[number];

/** Resources a permission can name; `*` is every one. */
export const RESOURCES = ["*", "monitoring", "alerts", "nodes", "settings", "users", "audit_logs", "license", "docker", "kubernetes", "host-agents"] as const;
export type Resource = (typeof RESOURCES)[number];

export interface Permission {
  action: Action;
  resource: Resource;
}

export interface RoleDefinition {
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
}

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  { id: "admin", name: "Administrator", description: "Full access, including users, tokens and security settings", permissions: [{ action: "admin", resource: "*" }] },
  {
    id: "operator",
    name: "Operator",
    description: "Views everything and manages alerts and agents; reads settings",
    permissions: [
      { action: "write", resource: "monitoring" },
      { action: "write", resource: "alerts" },
      { action: "read", resource: "settings" },
      { action: "read", resource: "nodes" },
      { action: "write", resource: "docker" },
      { action: "write", resource: "kubernetes" },
      { action: "write", resource: "host-agents" },
    ],
  },
  { id: "viewer", name: "Viewer", description: "Read-only access to monitoring data", permissions: [{ action: "read", resource: "monitoring" }] },
  {
    id: "auditor",
    name: "Auditor",
    description: "Read-only access to monitoring, settings and the audit log",
    permissions: [
      { action: "read", resource: "monitoring" },
      { action: "read", resource: "settings" },
      { action: "read", resource: "audit_logs" },
    ],
  },
];

/** Does a permission set allow `action` on `resource`? admin covers all; write and delete include read. */
export function allows(perms: readonly Permission[], action: Action, resource: string): boolean {
  return perms.some(
    (p) =>
      (p.resource === "*" || p.resource === resource) &&
      (p.action === "admin" || p.action === action || (action === "read" && (p.action === "write" || p.action === "delete"))),
  );
}

/** The permission a scope stands for, when a user (not a token) calls a route. */
const SCOPE_PERMISSION: Record<Exclude<Scope, "*">, [Action, Resource]> = {
  "monitoring:read": ["read", "monitoring"],
  "monitoring:write": ["write", "monitoring"],
  "settings:read": ["read", "settings"],
  "settings:write": ["write", "settings"],
  "docker:report": ["write", "docker"],
  "docker:manage": ["write", "docker"],
  "kubernetes:report": ["write", "kubernetes"],
  "kubernetes:manage": ["write", "kubernetes"],
  "host-agent:report": ["write", "host-agents"],
  "host-agent:config:read": ["read", "host-agents"],
  "host-agent:manage": ["write", "host-agents"],
};

export function permissionsAllowScope(perms: readonly Permission[], scope: Scope): boolean {
  if (scope === "*") return allows(perms, "admin", "*");
  const [action, resource] = SCOPE_PERMISSION[scope];
  return allows(perms, action, resource);
}

/** The token scopes a set of permissions amounts to (shown to users, used for tokens they create). */
export function scopesForPermissions(perms: readonly Permission[]): Scope[] {
  if (allows(perms, "admin", "*")) return ["*"];
  return SCOPES.filter((s): s is Exclude<Scope, "*"> => s !== "*" && permissionsAllowScope(perms, s));
}
