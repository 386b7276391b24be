import { describe, expect, it } from "vitest";
import { generateApiToken, hashToken, safeEqualHex } from "./tokens";

describe("hashToken", () => {
  it("is SHA3-256 hex", () => {
    expect(hashToken("")).toBe("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    expect(hashToken("abc")).toBe("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  });
});

describe("safeEqualHex", () => {
  const h = hashToken("token");
  it("compares digests, ignoring case", () => {
    expect(safeEqualHex(h, h)).toBe(true);
    expect(safeEqualHex(h, h.toUpperCase())).toBe(true);
    expect(safeEqualHex(h, hashToken("other"))).toBe(false);
  });
  it("treats different lengths as unequal instead of throwing", () => {
    expect(safeEqualHex(h, h.slice(0, 10))).toBe(false);
    expect(safeEqualHex("", h)).toBe(false);
  });
});

describe("generateApiToken", () => {
  it("returns a 64-hex raw token with its hash, prefix and suffix", () => {
    const t = generateApiToken();
    expect(t.raw).toMatch(/^[0-9a-f]{64}$/);
    expect(t.hash).toBe(hashToken(t.raw));
    expect(t.raw.startsWith(t.prefix)).toBe(true);
    expect(t.raw.endsWith(t.suffix)).toBe(true);
    expect(generateApiToken().raw).not.toBe(t.raw);
  });
});
