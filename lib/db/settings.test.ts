import { describe, expect, it } from "vitest";
import { deleteSetting, getSetting, setSetting } from "./settings";
import { testProviders, useTestDatabase } from "./test-support";

describe.each(testProviders())("settings (%s)", (provider) => {
  const t = useTestDatabase(provider);

  it("returns undefined for a key never set", async () => {
    expect(await getSetting(t.db, "system")).toBeUndefined();
  });

  it("stores JSON values and replaces them", async () => {
    const system = { pollingInterval: 10, theme: "dark", allowedOrigins: ["https://pulse.lan"] };
    await setSetting(t.db, "system", system);
    expect(await getSetting<typeof system>(t.db, "system")).toEqual(system);
    await setSetting(t.db, "system", { pollingInterval: 30 });
    expect(await getSetting(t.db, "system")).toEqual({ pollingInterval: 30 });
    await setSetting(t.db, "count", 3);
    await setSetting(t.db, "flag", false);
    await setSetting(t.db, "nothing", null);
    expect(await getSetting(t.db, "count")).toBe(3);
    expect(await getSetting(t.db, "flag")).toBe(false);
    expect(await getSetting(t.db, "nothing")).toBeNull();
  });

  it("deletes a key", async () => {
    await deleteSetting(t.db, "count");
    await deleteSetting(t.db, "count");
    expect(await getSetting(t.db, "count")).toBeUndefined();
  });
});
