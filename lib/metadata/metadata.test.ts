import { describe, expect, it } from "vitest";
import { validate } from "../api/request";
import { ApiError } from "../api/errors";
import { emptyState } from "../state/snapshot";
import type { StateFrontend, VM } from "../state/models";
import { customUrlProblem, MAX_NOTE_BYTES, MetadataPatchSchema, ResourceIdSchema } from "./schema";
import { describeResource, mergeMetadata, presentMetadata } from "./service";

const problems = (body: unknown): string => {
  try {
    validate(MetadataPatchSchema, body);
    return "";
  } catch (err) {
    if (err instanceof ApiError) return err.message;
    throw err;
  }
};

describe("metadata input", () => {
  it("takes http(s) URLs or nothing, and nothing a browser would run or that hides credentials", () => {
    expect(customUrlProblem("")).toBeUndefined();
    expect(customUrlProblem("https://grafana.lan:3000/d/abc?x=1#y")).toBeUndefined();
    expect(customUrlProblem("http://10.0.0.5")).toBeUndefined();
    for (const bad of ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x", "ftp://host/", "//evil.example", "/relative", "grafana.lan", "https://user:pw@host/"]) {
      expect(customUrlProblem(bad), bad).toBeDefined();
    }
    // Whitespace around is trimmed; control characters inside (which URL parsers drop) are refused.
    expect(validate(MetadataPatchSchema, { customUrl: "  https://a.example/  " }).customUrl).toBe("https://a.example/");
    expect(problems({ customUrl: "java\nscript:alert(1)" })).toMatch(/customUrl/);
    expect(problems({ customUrl: " javascript:alert(1)" })).toMatch(/http or https/);
  });

  it("bounds tags and notes, keeps unicode and newlines", () => {
    const ok = validate(MetadataPatchSchema, { tags: ["prod", "prod", " web ", "日本"], notes: ["line 1\nline 2\ttab", "✓".repeat(1000)] });
    expect(ok.tags).toEqual(["prod", "web", "日本"]);
    expect(ok.notes?.[0]).toBe("line 1\nline 2\ttab");

    expect(problems({ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })).toMatch(/at most 50 tags/);
    expect(problems({ tags: [""] })).toMatch(/tags must not be empty/);
    expect(problems({ tags: ["x".repeat(101)] })).toMatch(/tag must be at most/);
    expect(problems({ notes: Array.from({ length: 101 }, () => "n") })).toMatch(/at most 100 notes/);
    expect(problems({ notes: ["x".repeat(MAX_NOTE_BYTES)] })).toBe("");
    // 4 KB is bytes: 1366 three-byte characters are over it.
    expect(problems({ notes: ["✓".repeat(1366)] })).toMatch(/at most 4096 bytes/);
    expect(problems({ notes: ["nul\u0000"] })).toMatch(/control characters/);
    expect(problems({ description: "x".repeat(2001) })).toMatch(/description/);
    expect(problems({ tags: "prod" })).toMatch(/tags/);
    expect(problems({ commandsEnabled: "yes" })).toMatch(/commandsEnabled/);
  });

  it("accepts ids with colons and unicode, not empty or control characters", () => {
    expect(validate(ResourceIdSchema, "demo:pve1:100")).toBe("demo:pve1:100");
    expect(validate(ResourceIdSchema, "hôst-1")).toBe("hôst-1");
    expect(() => validate(ResourceIdSchema, "")).toThrow(ApiError);
    expect(() => validate(ResourceIdSchema, "a\nb")).toThrow(ApiError);
    expect(() => validate(ResourceIdSchema, "x".repeat(513))).toThrow(ApiError);
  });
});

describe("merging a PUT into the stored record", () => {
  const stored = { customUrl: "https://a.example/", description: "d", tags: ["t"], notes: ["n"], lastKnownName: "web01", lastKnownType: "qemu" };

  it("changes only the named fields; null clears", () => {
    expect(mergeMetadata("guest", stored, { notes: ["new"] })).toEqual({ ...stored, notes: ["new"] });
    expect(mergeMetadata("guest", stored, { customUrl: null, tags: null })).toEqual({ ...stored, customUrl: "", tags: [] });
    expect(mergeMetadata("guest", undefined, {})).toEqual({ customUrl: "", description: "", tags: [], notes: [], lastKnownName: undefined, lastKnownType: undefined });
  });

  it("keeps kind-specific fields to their kind", () => {
    expect(mergeMetadata("host", undefined, { commandsEnabled: true }).commandsEnabled).toBe(true);
    expect(mergeMetadata("guest", undefined, { commandsEnabled: true }).commandsEnabled).toBeUndefined();
    expect(mergeMetadata("dockerHost", undefined, { customDisplayName: "Builder" }).customDisplayName).toBe("Builder");
    expect(mergeMetadata("dockerHost", { ...stored, customDisplayName: "Builder" }, { customDisplayName: null }).customDisplayName).toBeUndefined();
  });

  it("presents Pulse's shape", () => {
    const now = new Date();
    const view = presentMetadata({ kind: "host", resourceId: "h1", customUrl: "", description: "", tags: [], notes: [], commandsEnabled: false, createdAt: now, updatedAt: now });
    expect(view).toEqual({ id: "h1", customUrl: "", description: "", tags: [], notes: [], commandsEnabled: false });
  });
});

describe("describeResource", () => {
  const state: StateFrontend = {
    ...emptyState(),
    vms: [{ id: "demo:pve1:100", name: "web01", type: "qemu" } as VM],
    dockerHosts: [{ id: "dh1", hostname: "builder", containers: [{ id: "c1", name: "nginx" }] }],
    hosts: [{ id: "h1", displayName: "NAS" }],
  };

  it("finds guests, hosts, Docker hosts and containers by id", () => {
    expect(describeResource(state, "guest", "demo:pve1:100")).toEqual({ name: "web01", type: "qemu" });
    expect(describeResource(state, "guest", "demo:pve1:999")).toBeUndefined();
    expect(describeResource(state, "host", "h1")).toEqual({ name: "NAS", type: "host" });
    expect(describeResource(state, "dockerHost", "dh1")).toEqual({ name: "builder", type: "dockerHost" });
    expect(describeResource(state, "docker", "c1")).toEqual({ name: "nginx", type: "docker" });
  });
});
