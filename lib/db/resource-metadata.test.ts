import { describe, expect, it } from "vitest";
import { deleteResourceMetadata, findResourceMetadata, listResourceMetadata, saveResourceMetadata } from "./resource-metadata";
import { testProviders, useTestDatabase } from "./test-support";

describe.each(testProviders())("resource metadata (%s)", (provider) => {
  const t = useTestDatabase(provider);
  const fields = { customUrl: "https://grafana.lan/d/1", description: "Web tier", tags: ["prod", "web"], notes: ["Üñíçødé ✓ — 日本語"] };

  it("saves, reads back and lists by kind", async () => {
    const saved = await saveResourceMetadata(t.db, "guest", "demo:pve1:100", { ...fields, lastKnownName: "web01", lastKnownType: "qemu" });
    expect(saved).toMatchObject({ kind: "guest", resourceId: "demo:pve1:100", ...fields, lastKnownName: "web01", lastKnownType: "qemu" });
    await saveResourceMetadata(t.db, "host", "demo:pve1:100", { ...fields, commandsEnabled: true });

    expect(await findResourceMetadata(t.db, "guest", "demo:pve1:100")).toMatchObject({ notes: fields.notes, commandsEnabled: undefined });
    expect(await findResourceMetadata(t.db, "host", "demo:pve1:100")).toMatchObject({ commandsEnabled: true, lastKnownName: undefined });
    expect((await listResourceMetadata(t.db, "guest")).map((r) => r.resourceId)).toEqual(["demo:pve1:100"]);
    expect(await listResourceMetadata(t.db, "docker")).toEqual([]);
  });

  it("replaces the whole record on save", async () => {
    const saved = await saveResourceMetadata(t.db, "guest", "demo:pve1:100", { customUrl: "", description: "", tags: [], notes: [] });
    expect(saved).toMatchObject({ customUrl: "", tags: [], notes: [], lastKnownName: undefined });
  });

  it("deletes, telling whether there was anything", async () => {
    expect(await deleteResourceMetadata(t.db, "guest", "demo:pve1:100")).toBe(true);
    expect(await deleteResourceMetadata(t.db, "guest", "demo:pve1:100")).toBe(false);
    expect(await findResourceMetadata(t.db, "guest", "demo:pve1:100")).toBeUndefined();
    expect(await findResourceMetadata(t.db, "host", "demo:pve1:100")).toBeDefined();
  });
});
