import { describe, expect, it } from "vitest";
import { safeReturnTo, withOidcSuccess } from "./return-to";

describe("safeReturnTo", () => {
  it("keeps paths on this server, with query and fragment", () => {
    expect(safeReturnTo("/")).toBe("/");
    expect(safeReturnTo("/nodes?filter=pve1#top")).toBe("/nodes?filter=pve1#top");
    expect(safeReturnTo("/a/../settings")).toBe("/settings");
  });

  it("sends anything that could leave the origin to /", () => {
    for (const bad of [undefined, null, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil", "evil", "javascript:alert(1)", "/\tevil", `/${"a".repeat(3000)}`]) {
      expect(safeReturnTo(bad)).toBe("/");
    }
  });

  it("never returns into the SSO routes", () => {
    expect(safeReturnTo("/api/oidc/login")).toBe("/");
    expect(safeReturnTo("/api/oidc/callback?code=x")).toBe("/");
  });

  it("marks the landing page with oidc=success", () => {
    expect(withOidcSuccess("/")).toBe("/?oidc=success");
    expect(withOidcSuccess("/nodes?x=1#y")).toBe("/nodes?x=1&oidc=success#y");
    expect(withOidcSuccess("//evil.example")).toBe("/?oidc=success");
  });
});
