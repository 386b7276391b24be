import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "@/lib/crypto/secrets";
import {
  createNodeConfig,
  deleteNodeConfig,
  getNodeConfig,
  listNodeConfigs,
  type NodeConfigInput,
  NodeNameConflictError,
  NodeNotFoundError,
  updateNodeConfig,
} from "./node-configs";
import { testProviders, useTestDatabase } from "./test-support";

const PASSWORD = "Pr0xm0x-root-pässword-7f3a";
const TOKEN_VALUE = "c0ffee00-1234-4bcd-9abc-0123456789ab";

const pve: NodeConfigInput = {
  type: "pve",
  name: "pve-lab",
  host: "https://10.0.0.11:8006",
  user: "root@pam",
  password: PASSWORD,
  fingerprint: "AA:BB:CC",
  verifySsl: false,
  options: { monitorVMs: true, monitorContainers: true, monitorStorage: false },
  isCluster: true,
  clusterName: "lab",
  clusterEndpoints: [
    { nodeName: "pve1", host: "https://10.0.0.11:8006", ip: "10.0.0.11", online: true },
    { nodeName: "pve2", host: "https://10.0.0.12:8006", online: false },
  ],
};

describe.each(testProviders())("node configs (%s)", (provider) => {
  const t = useTestDatabase(provider);

  async function rawSecrets(id: string) {
    const rows = await t.db.$queryRaw<{ passwordEnc: string | null; tokenValueEnc: string | null }[]>`
      SELECT password_enc AS "passwordEnc", token_value_enc AS "tokenValueEnc" FROM node_configs WHERE id = ${id}`;
    return rows[0];
  }

  it("creates a node and reads it back with secrets decrypted", async () => {
    const created = await createNodeConfig(t.db, pve);
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ ...pve, source: "manual", tokenValue: undefined });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await getNodeConfig(t.db, created.id)).toEqual(created);
    expect(await getNodeConfig(t.db, "00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("stores passwords and token values only as ciphertext", async () => {
    const node = await createNodeConfig(t.db, {
      type: "pbs",
      name: "pbs-backup",
      host: "https://10.0.0.20:8007",
      user: "backup@pbs",
      tokenName: "backup@pbs!pulse",
      tokenValue: TOKEN_VALUE,
      password: PASSWORD,
    });
    const raw = await rawSecrets(node.id);
    for (const [value, plain] of [
      [raw.passwordEnc, PASSWORD],
      [raw.tokenValueEnc, TOKEN_VALUE],
    ] as const) {
      expect(value).toMatch(/^v1:/);
      expect(value).not.toContain(plain);
      expect(decryptSecret(value!)).toBe(plain);
    }
    if (provider === "sqlite") {
      // The committed rows are in the WAL until a checkpoint; check both files' bytes.
      const file = path.join(t.dataDir, "pulse.db");
      const bytes = Buffer.concat(
        [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
      );
      expect(bytes.includes(Buffer.from(raw.passwordEnc!))).toBe(true); // sanity: we read the right file
      expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
      expect(bytes.includes(Buffer.from(TOKEN_VALUE))).toBe(false);
    }
  });

  it("patches: omitted secrets are kept, null clears, empty string clears", async () => {
    const node = await createNodeConfig(t.db, { ...pve, name: "patch-me", tokenName: "root@pam!pulse", tokenValue: TOKEN_VALUE });
    const renamed = await updateNodeConfig(t.db, node.id, { name: "patched", options: { monitorVMs: false }, fingerprint: null });
    expect(renamed).toMatchObject({ name: "patched", password: PASSWORD, tokenValue: TOKEN_VALUE, options: { monitorVMs: false } });
    expect(renamed.fingerprint).toBeUndefined();
    expect(renamed.clusterEndpoints).toEqual(pve.clusterEndpoints);
    expect(renamed.updatedAt.getTime()).toBeGreaterThanOrEqual(node.updatedAt.getTime());

    const cleared = await updateNodeConfig(t.db, node.id, { tokenValue: null, password: "" });
    expect(cleared.tokenValue).toBeUndefined();
    expect(cleared.password).toBeUndefined();
    expect(cleared.tokenName).toBe("root@pam!pulse");
    expect(await rawSecrets(node.id)).toEqual({ passwordEnc: null, tokenValueEnc: null });

    const replaced = await updateNodeConfig(t.db, node.id, { password: "new-secret", isCluster: false, clusterEndpoints: [] });
    expect(replaced).toMatchObject({ password: "new-secret", isCluster: false, clusterEndpoints: [] });
    expect((await rawSecrets(node.id)).passwordEnc).not.toContain("new-secret");
  });

  it("reports name conflicts per type as NodeNameConflictError", async () => {
    await createNodeConfig(t.db, { type: "pve", name: "dup", host: "https://a:8006" });
    await expect(createNodeConfig(t.db, { type: "pve", name: "dup", host: "https://b:8006" })).rejects.toBeInstanceOf(NodeNameConflictError);
    // Same name under another product type is fine.
    const pmg = await createNodeConfig(t.db, { type: "pmg", name: "dup", host: "https://c:8006" });
    const other = await createNodeConfig(t.db, { type: "pmg", name: "dup2", host: "https://d:8006" });
    const err = await updateNodeConfig(t.db, other.id, { name: "dup" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeNameConflictError);
    expect(err).toMatchObject({ type: "pmg", nodeName: "dup" });
    expect((await getNodeConfig(t.db, pmg.id))?.name).toBe("dup");
  });

  it("throws NodeNotFoundError when updating a missing node", async () => {
    await expect(updateNodeConfig(t.db, "00000000-0000-4000-8000-000000000000", { name: "x" })).rejects.toBeInstanceOf(NodeNotFoundError);
  });

  it("lists by type then name and deletes", async () => {
    const list = await listNodeConfigs(t.db);
    const keys = list.map((n) => `${n.type}/${n.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(list.length).toBeGreaterThanOrEqual(5);
    const victim = list[0];
    expect(await deleteNodeConfig(t.db, victim.id)).toBe(true);
    expect(await deleteNodeConfig(t.db, victim.id)).toBe(false);
    expect(await getNodeConfig(t.db, victim.id)).toBeNull();
  });
});
