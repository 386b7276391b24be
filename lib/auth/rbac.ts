/**
 * Role management (Pulse's `/api/admin/roles` and `/api/admin/users`): custom roles beside
 * the built-in ones, which cannot be changed, and role assignments by username. No change
 * may leave Pulse without a user holding full admin rights once one exists.
 */
import { z } from "zod";
import { ApiError } from "../api/errors";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { ACTIONS, allows, type Permission, RESOURCES, scopesForPermissions } from "./roles";
import { assignRole, parsePermissions, removeRole } from "./users";

/** Pulse's formats for role ids and usernames in paths. */
export const ROLE_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
export const USERNAME_PATTERN = /^[a-zA-Z0-9._@+-]{1,128}$/;

export interface RoleView {
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
  /** Pulse's field name */
  isBuiltIn: boolean;
  builtIn: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UserAccessView {
  username: string;
  roleIds: string[];
  /** the token scopes the user's roles amount to */
  scopes: string[];
  /** false for names that only have role assignments (e.g. SSO users before their first login) */
  hasAccount: boolean;
  source?: string;
  email?: string;
  hasPassword: boolean;
  disabled: boolean;
  lastLoginAt?: string;
  updatedAt: string;
}

const PermissionSchema = z.object({ action: z.enum(ACTIONS), resource: z.enum(RESOURCES) });
const Permissions = z
  .array(PermissionSchema)
  .max(100)
  .transform((ps) => ps.filter((p, i) => ps.findIndex((q) => q.action === p.action && q.resource === p.resource) === i));

export const RoleCreateSchema = z.object({
  id: z.string().regex(ROLE_ID_PATTERN, "id must be 1-64 letters, digits, '-' or '_'"),
  name: z.string().trim().min(1, "name is required").max(128),
  description: z.string().trim().max(512).default(""),
  permissions: Permissions,
});

export const RoleUpdateSchema = z
  .object({
    name: z.string().trim().min(1, "name must not be empty").max(128).optional(),
    description: z.string().trim().max(512).optional(),
    permissions: Permissions.optional(),
  })
  .refine((r) => r.name !== undefined || r.description !== undefined || r.permissions !== undefined, "nothing to update: give name, description or permissions");

type RoleRow = { id: string; name: string; description: string; permissions: string; builtIn: boolean; createdAt: Date; updatedAt: Date };

function presentRole(r: RoleRow): RoleView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    permissions: parsePermissions(r.permissions),
    isBuiltIn: r.builtIn,
    builtIn: r.builtIn,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function assertRoleId(id: string): void {
  if (!ROLE_ID_PATTERN.test(id)) throw new ApiError("bad_request", "Invalid role ID format");
}

export function assertUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) throw new ApiError("bad_request", "Invalid username format");
}

export async function listRoles(db: Db): Promise<RoleView[]> {
  const rows = await db.role.findMany({ orderBy: [{ builtIn: "desc" }, { id: "asc" }] });
  return rows.map(presentRole);
}

async function requireRole(db: Db, id: string): Promise<RoleRow> {
  const row = await db.role.findUnique({ where: { id } });
  if (!row) throw new ApiError("not_found", `Role ${id} not found`);
  return row;
}

async function requireCustomRole(db: Db, id: string, verb: string): Promise<RoleRow> {
  const row = await requireRole(db, id);
  if (row.builtIn) throw new ApiError("forbidden", `Built-in role "${id}" cannot be ${verb}; create a custom role instead`);
  return row;
}

export async function createRole(db: Db, input: z.output<typeof RoleCreateSchema>): Promise<RoleView> {
  if (await db.role.findUnique({ where: { id: input.id } })) throw new ApiError("conflict", `Role ${input.id} already exists`);
  try {
    const row = await db.role.create({
      data: { id: input.id, name: input.name, description: input.description, permissions: JSON.stringify(input.permissions), builtIn: false },
    });
    return presentRole(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError("conflict", `Role ${input.id} already exists`);
    throw err;
  }
}

export async function updateRole(db: Db, id: string, patch: z.output<typeof RoleUpdateSchema>): Promise<RoleView> {
  await requireCustomRole(db, id, "changed");
  if (patch.permissions) await assertAdminRemains(db, { rolePermissions: { roleId: id, permissions: patch.permissions } });
  const row = await db.role.update({
    where: { id },
    data: {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.permissions ? { permissions: JSON.stringify(patch.permissions) } : {}),
    },
  });
  return presentRole(row);
}

/** Deletes a custom role and every assignment of it; returns how many users had it. */
export async function deleteRole(db: Db, id: string): Promise<number> {
  await requireCustomRole(db, id, "deleted");
  await assertAdminRemains(db, { rolePermissions: { roleId: id, permissions: [] } });
  const [unassigned] = await db.$transaction([db.userRole.deleteMany({ where: { roleId: id } }), db.role.deleteMany({ where: { id } })]);
  return unassigned.count;
}

export async function listUserAccess(db: Db): Promise<UserAccessView[]> {
  const [users, links, roles] = await Promise.all([db.user.findMany(), db.userRole.findMany(), db.role.findMany()]);
  const perms = new Map(roles.map((r) => [r.id, parsePermissions(r.permissions)]));
  const byUser = new Map<string, typeof links>();
  for (const l of links) byUser.set(l.username, [...(byUser.get(l.username) ?? []), l]);
  const names = [...new Set([...users.map((u) => u.username), ...byUser.keys()])].sort();
  return names.map((username) => {
    const u = users.find((x) => x.username === username);
    const own = byUser.get(username) ?? [];
    const roleIds = own.map((l) => l.roleId).sort();
    const lastAssigned = own.reduce<Date | undefined>((m, l) => (!m || l.assignedAt > m ? l.assignedAt : m), undefined);
    const updatedAt = [u?.updatedAt, lastAssigned].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0];
    return {
      username,
      roleIds,
      scopes: scopesForPermissions(roleIds.flatMap((id) => perms.get(id) ?? [])),
      hasAccount: !!u,
      ...(u ? { source: u.source } : {}),
      ...(u?.email ? { email: u.email } : {}),
      hasPassword: !!u?.passwordHash,
      disabled: !!u?.disabled,
      ...(u?.lastLoginAt ? { lastLoginAt: u.lastLoginAt.toISOString() } : {}),
      updatedAt: (updatedAt ?? new Date(0)).toISOString(),
    };
  });
}

export async function assignUserRole(db: Db, username: string, roleId: string): Promise<void> {
  await requireRole(db, roleId);
  await assignRole(db, username, roleId);
}

/** Pulse's form: replace a user's roles with exactly `roleIds`. */
export async function setUserRoles(db: Db, username: string, roleIds: string[]): Promise<void> {
  const wanted = [...new Set(roleIds)];
  for (const id of wanted) await requireRole(db, id);
  await assertAdminRemains(db, { userRoles: { username, roleIds: wanted } });
  await db.$transaction([
    db.userRole.deleteMany({ where: { username, roleId: { notIn: wanted } } }),
    ...wanted.map((roleId) => db.userRole.upsert({ where: { username_roleId: { username, roleId } }, create: { username, roleId, source: "manual" }, update: {} })),
  ]);
}

export async function removeUserRole(db: Db, username: string, roleId: string): Promise<void> {
  if (!(await db.userRole.findUnique({ where: { username_roleId: { username, roleId } } }))) {
    throw new ApiError("not_found", `User ${username} does not have role ${roleId}`);
  }
  await assertAdminRemains(db, { dropAssignment: { username, roleId } });
  await removeRole(db, username, roleId);
}

interface HypotheticalChange {
  dropAssignment?: { username: string; roleId: string };
  userRoles?: { username: string; roleIds: string[] };
  rolePermissions?: { roleId: string; permissions: Permission[] };
}

/** Usernames whose roles grant admin on everything, optionally after a change. */
export async function adminUsernames(db: Db, change: HypotheticalChange = {}): Promise<Set<string>> {
  const [links, roles] = await Promise.all([db.userRole.findMany(), db.role.findMany()]);
  const perms = new Map(roles.map((r) => [r.id, parsePermissions(r.permissions)]));
  if (change.rolePermissions) perms.set(change.rolePermissions.roleId, change.rolePermissions.permissions);
  let pairs = links.map((l) => ({ username: l.username, roleId: l.roleId }));
  if (change.dropAssignment) {
    const d = change.dropAssignment;
    pairs = pairs.filter((p) => !(p.username === d.username && p.roleId === d.roleId));
  }
  if (change.userRoles) {
    const u = change.userRoles;
    pairs = [...pairs.filter((p) => p.username !== u.username), ...u.roleIds.map((roleId) => ({ username: u.username, roleId }))];
  }
  const admins = new Set<string>();
  for (const p of pairs) if (allows(perms.get(p.roleId) ?? [], "admin", "*")) admins.add(p.username);
  return admins;
}

async function assertAdminRemains(db: Db, change: HypotheticalChange): Promise<void> {
  if ((await adminUsernames(db)).size === 0) return;
  if ((await adminUsernames(db, change)).size === 0) {
    throw new ApiError("bad_request", "This would leave no user with administrator rights; give another user the admin role first");
  }
}
