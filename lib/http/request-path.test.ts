import { describe, expect, it } from "vitest";
import { hasMalformedPath } from "./request-path";

describe("hasMalformedPath", () => {
  it("accepts plain and well-encoded paths, whatever the query holds", () => {
    expect(hasMalformedPath("/api/guests/metadata/demo%3Apve1%3A100")).toBe(false);
    expect(hasMalformedPath("/api/guests/metadata/demo:pve1:100")).toBe(false);
    expect(hasMalformedPath("/storage?q=%ZZ")).toBe(false);
    expect(hasMalformedPath(undefined)).toBe(false);
  });

  it("refuses truncated or invalid escapes", () => {
    expect(hasMalformedPath("/api/guests/metadata/%E0%A4%A")).toBe(true);
    expect(hasMalformedPath("/api/guests/metadata/%ZZ")).toBe(true);
    expect(hasMalformedPath("/%")).toBe(true);
  });
});
