import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "./errors";
import { parseJsonBody, parseQuery, readBodyText } from "./request";

const post = (body: string, headers: Record<string, string> = {}) => new Request("http://pulse/api/x", { method: "POST", body, headers });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return err instanceof ApiError ? `${err.status} ${err.code}` : `thrown ${String(err)}`;
  }
}

describe("request parsing", () => {
  const Schema = z.object({ name: z.string().min(1), port: z.number().int().optional() });

  it("parses a valid body, and an empty one as {}", async () => {
    expect(await parseJsonBody(post('{"name":"pve"}'), Schema)).toEqual({ name: "pve" });
    expect(await parseJsonBody(post(""), z.object({ a: z.string().optional() }))).toEqual({});
  });

  it("turns bad JSON, wrong types and size into 4xx errors", async () => {
    expect(await code(parseJsonBody(post("{oops"), Schema))).toBe("400 invalid_json");
    expect(await code(parseJsonBody(post('{"name":5}'), Schema))).toBe("400 validation_failed");
    expect(await code(parseJsonBody(post("[".repeat(50_000)), Schema))).toBe("400 invalid_json");
    expect(await code(readBodyText(post("x".repeat(2000)), 1000))).toBe("413 payload_too_large");
    expect(await code(readBodyText(post("x", { "content-length": "99999999" }), 1000))).toBe("413 payload_too_large");
  });

  it("says which field was wrong", async () => {
    try {
      await parseJsonBody(post('{"name":"","port":1.5}'), Schema);
      throw new Error("expected a validation error");
    } catch (err) {
      expect((err as ApiError).message).toMatch(/name/);
      expect((err as ApiError).message).toMatch(/port/);
    }
  });

  it("validates query strings", () => {
    const Q = z.object({ range: z.enum(["1h", "24h"]) });
    expect(parseQuery(new Request("http://pulse/?range=1h"), Q)).toEqual({ range: "1h" });
    expect(() => parseQuery(new Request("http://pulse/?range=2y"), Q)).toThrow(ApiError);
  });
});
