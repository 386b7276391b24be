import { describe, expect, it } from "vitest";
import { testProviders, useTestDatabase } from "../db/test-support";
import {
  adminUsernames,
  assignUserRole,
  createRole,
  deleteRole,
  listRoles,
  listUserAccess,
  removeUserRole,
  RoleCreateSchema,
  setUserRoles,
  updateRole,
} from "./rbac";
import { ensureBuiltInRoles, permissionsOf, upsertUser } from "./users";
import { refusal } from "../api/testing";

describe("role validation", () => {
  it("accepts only known actions and resources and slug ids", () => {
    const ok = RoleCreateSchema.parse({ id: "alert-desk", name: "Alert desk", permissions: [{ action: "write", resource: "alerts" }, { action: "write", resource: "alerts" }] });
    expect(ok).toEqual({ id: "alert-desk", name: "Alert desk", description: "", permissions: [{ action: "write", resource: "alerts" }] });
    expect(RoleCreateSchema.safeParse({ id: "x", name: "x", permissions: [{ action: "own", resource: "alerts" }] }).success).toBe(false);
    expect(RoleCreateSchema.safeParse({ id: "x", name: "x", permissions: [{ action: "read", resource: "everything" }] }).success).toBe(false);
    expect(RoleCreateSchema.safeParse({ id: "bad id", name: "x", permissions: [] }).success).toBe(false);
    expect(RoleCreateSchema.safeParse({ id: "../x", name: "x", permissions: [] }).success).toBe(false);
  });
});

describe.each(testProviders())("role management (%s)", (provider) => {
  const t = useTestDatabase(provider);

  it("lists the built-in roles and keeps them read-only", async () => {
    await ensureBuiltInRoles(t.db);
    const roles = await listRoles(t.db);
    expect(roles.filter((r) => r.builtIn).map((r) => r.id).sort()).toEqual(["admin", "auditor", "operator", "viewer"]);
    expect(roles.find((r) => r.id === "viewer")).toMatchObject({ isBuiltIn: true, permissions: [{ action: "read", resource: "monitoring" }] });
    expect((await refusal(updateRole(t.db, "viewer", { name: "Watcher" }))).status).toBe(403);
    expect((await refusal(deleteRole(t.db, "admin"))).status).toBe(403);
    expect((await refusal(updateRole(t.db, "missing", { name: "x" }))).status).toBe(404);
  });

  it("creates, changes and deletes a custom role, taking its assignments with it", async () => {
    const created = await createRole(t.db, { id: "alert-desk", name: "Alert desk", description: "", permissions: [{ action: "write", resource: "alerts" }] });
    expect(created).toMatchObject({ id: "alert-desk", builtIn: false });
    expect((await refusal(createRole(t.db, { id: "alert-desk", name: "again", description: "", permissions: [] }))).status).toBe(409);
    expect((await refusal(createRole(t.db, { id: "viewer", name: "again", description: "", permissions: [] }))).status).toBe(409);

    await assignUserRole(t.db, "carol", "alert-desk");
    expect(await permissionsOf(t.db, "carol")).toEqual([{ action: "write", resource: "alerts" }]);
    const updated = await updateRole(t.db, "alert-desk", { permissions: [{ action: "write", resource: "monitoring" }] });
    expect(updated.permissions).toEqual([{ action: "write", resource: "monitoring" }]);
    expect(await permissionsOf(t.db, "carol")).toEqual([{ action: "write", resource: "monitoring" }]);

    expect(await deleteRole(t.db, "alert-desk")).toBe(1);
    expect(await permissionsOf(t.db, "carol")).toEqual([]);
    expect(await t.db.userRole.count({ where: { roleId: "alert-desk" } })).toBe(0);
    expect((await refusal(assignUserRole(t.db, "carol", "alert-desk"))).status).toBe(404);
  });

  it("lists users with their roles and scopes, including names that only have assignments", async () => {
    await upsertUser(t.db, { username: "alice", source: "local", password: "correct horse battery" });
    await assignUserRole(t.db, "alice", "viewer");
    await assignUserRole(t.db, "sso-bob", "operator");
    const users = await listUserAccess(t.db);
    expect(users.find((u) => u.username === "alice")).toMatchObject({ roleIds: ["viewer"], scopes: ["monitoring:read"], hasAccount: true, hasPassword: true, source: "local" });
    const bob = users.find((u) => u.username === "sso-bob")!;
    expect(bob).toMatchObject({ roleIds: ["operator"], hasAccount: false, hasPassword: false });
    expect(bob.scopes).toContain("monitoring:write");
    expect(bob.scopes).not.toContain("settings:write");
    expect(JSON.stringify(users)).not.toContain("$2");
  });

  it("never lets the last administrator lose admin rights", async () => {
    await t.db.userRole.deleteMany();
    await assignUserRole(t.db, "root", "admin");
    await assignUserRole(t.db, "root", "viewer");
    expect([...(await adminUsernames(t.db))]).toEqual(["root"]);

    expect((await refusal(removeUserRole(t.db, "root", "admin"))).status).toBe(400);
    expect((await refusal(setUserRoles(t.db, "root", ["viewer"]))).status).toBe(400);
    await removeUserRole(t.db, "root", "viewer");

    // A custom role granting admin counts; changing or deleting it is checked too.
    await createRole(t.db, { id: "superuser", name: "Superuser", description: "", permissions: [{ action: "admin", resource: "*" }] });
    await assignUserRole(t.db, "dave", "superuser");
    await removeUserRole(t.db, "root", "admin");
    expect((await refusal(updateRole(t.db, "superuser", { permissions: [{ action: "read", resource: "monitoring" }] }))).status).toBe(400);
    expect((await refusal(deleteRole(t.db, "superuser"))).status).toBe(400);
    await setUserRoles(t.db, "root", ["admin"]);
    await deleteRole(t.db, "superuser");
    expect([...(await adminUsernames(t.db))]).toEqual(["root"]);
    expect((await refusal(removeUserRole(t.db, "root", "viewer"))).status).toBe(404);
  });
});
