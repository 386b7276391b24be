/**
 * Users and their roles. Passwords are bcrypt (cost 12) hashes; roles are stored by
 * username so SSO users can be given roles before they first sign in.
 */
import bcrypt from "bcryptjs";
import type { Db } from "../db/client";
import { BCRYPT_COST } from "./credentials";
import { BUILT_IN_ROLES, type Permission, type RoleDefinition } from "./roles";

export type UserSource = "local" | "oidc" | "proxy" | "env";

export interface UserRecord {
  id: string;
  username: string;
  email?: string;
  source: UserSource;
  hasPassword: boolean;
  disabled: boolean;
  lastLoginAt?: Date;
  createdAt: Date;
}

export const MIN_PASSWORD_LENGTH = 12;
/** bcrypt reads only 72 bytes; anything far longer is refused before hashing. */
export const MAX_PASSWORD_LENGTH = 1024;

type UserRow = { id: string; username: string; email: string | null; source: string; passwordHash: string | null; disabled: boolean; lastLoginAt: Date | null; createdAt: Date };

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  email: r.email ?? undefined,
  source: r.source as UserSource,
  hasPassword: !!r.passwordHash,
  disabled: r.disabled,
  lastLoginAt: r.lastLoginAt ?? undefined,
  createdAt: r.createdAt,
});

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export async function findUser(db: Db, username: string): Promise<UserRecord | undefined> {
  const row = await db.user.findUnique({ where: { username } });
  return row ? toUser(row) : undefined;
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return (await db.user.findMany({ orderBy: { username: "asc" } })).map(toUser);
}

/** Creates or updates a user; a given password (plain) is hashed, a given hash stored as is. */
export async function upsertUser(
  db: Db,
  u: { username: string; source: UserSource; password?: string; passwordHash?: string; email?: string },
): Promise<UserRecord> {
  const passwordHash = u.passwordHash ?? (u.password ? await hashPassword(u.password) : undefined);
  const row = await db.user.upsert({
    where: { username: u.username },
    create: { username: u.username, source: u.source, passwordHash, email: u.email },
    update: { ...(passwordHash ? { passwordHash } : {}), ...(u.email ? { email: u.email } : {}) },
  });
  return toUser(row);
}

/** Checks a password; false for unknown users, users without one, and oversized input. */
export async function verifyPassword(db: Db, username: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const row = await db.user.findUnique({ where: { username } });
  if (!row?.passwordHash || row.disabled) {
    // Spend comparable time so unknown usernames are not revealed by timing.
    await bcrypt.compare(password, "$2a$12$C6UzMDM.H6dfI/f/IKcEeO6Ge6P8wq2l6oK0R4vCVJq4ZlVQm8bHa").catch(() => false);
    return false;
  }
  return bcrypt.compare(password, row.passwordHash);
}

export async function setPassword(db: Db, username: string, password: string): Promise<void> {
  await db.user.update({ where: { username }, data: { passwordHash: await hashPassword(password) } });
}

export async function markLogin(db: Db, username: string): Promise<void> {
  await db.user.update({ where: { username }, data: { lastLoginAt: new Date() } }).catch(() => {});
}

/** Seeds the built-in roles (idempotent; their permissions are reset to the defaults). */
export async function ensureBuiltInRoles(db: Db): Promise<void> {
  for (const r of BUILT_IN_ROLES) {
    const data = { name: r.name, description: r.description, permissions: JSON.stringify(r.permissions), builtIn: true };
    await db.role.upsert({ where: { id: r.id }, create: { id: r.id, ...data }, update: data });
  }
}

export async function assignRole(db: Db, username: string, roleId: string, source: "manual" | "oidc-group" = "manual"): Promise<void> {
  await db.userRole.upsert({ where: { username_roleId: { username, roleId } }, create: { username, roleId, source }, update: {} });
}

export async function removeRole(db: Db, username: string, roleId: string): Promise<boolean> {
  return (await db.userRole.deleteMany({ where: { username, roleId } })).count > 0;
}

export async function rolesOf(db: Db, username: string): Promise<RoleDefinition[]> {
  const links = await db.userRole.findMany({ where: { username } });
  if (!links.length) return [];
  const rows = await db.role.findMany({ where: { id: { in: links.map((l) => l.roleId) } } });
  return rows.map((r) => ({ id: r.id, name: r.name, description: r.description, permissions: parsePermissions(r.permissions) }));
}

export async function permissionsOf(db: Db, username: string): Promise<Permission[]> {
  return (await rolesOf(db, username)).flatMap((r) => r.permissions);
}

export function parsePermissions(json: string): Permission[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as Permission[]) : [];
  } catch {
    return [];
  }
}
