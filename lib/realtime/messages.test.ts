import { describe, expect, it } from "vitest";
import { encodeMessage, parseClientMessage, preEncodedMessage, withJsonKey } from "./messages";

describe("realtime messages", () => {
  it("encodes Pulse's envelope once and derives its other forms once", () => {
    const at = new Date("2026-02-01T12:00:00.000Z");
    const m = encodeMessage("welcome", { message: "hi", orgId: "default" }, at);
    expect(JSON.parse(m.text)).toEqual({ type: "welcome", data: { message: "hi", orgId: "default" }, timestamp: "2026-02-01T12:00:00.000Z" });
    expect(Object.keys(JSON.parse(m.text))).toEqual(["type", "data", "timestamp"]);
    expect(m.text).toBe(m.text);
    expect(m.bytes).toBe(m.bytes);
    expect(m.bytes.toString("utf8")).toBe(m.text);
    let calls = 0;
    const a = m.derive("x", () => ({ n: ++calls }));
    expect(m.derive("x", () => ({ n: ++calls }))).toBe(a);
    expect(calls).toBe(1);
  });

  it("wraps already serialized data without parsing it", () => {
    const m = preEncodedMessage("rawData", '{"lastUpdate":1,"name":"naïve ✓"}');
    expect(JSON.parse(m.text).data).toEqual({ lastUpdate: 1, name: "naïve ✓" });
    expect(m.bytes.length).toBe(Buffer.byteLength(m.text));
  });

  it("adds a key to a serialized object", () => {
    expect(JSON.parse(withJsonKey('{"a":1}', "resources", "[1,2]"))).toEqual({ a: 1, resources: [1, 2] });
    expect(JSON.parse(withJsonKey("{ }\n", "b", "{}"))).toEqual({ b: {} });
    expect(() => withJsonKey("[1]", "b", "1")).toThrow();
  });

  it("accepts only the client messages Pulse defines", () => {
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ type: "ping" });
    expect(parseClientMessage({ type: "requestData", extra: true })).toEqual({ type: "requestData" });
    for (const bad of ["", "nope", "{}", '{"type":"subscribe"}', '{"type":1}', "null", `{"type":"ping","pad":"${"x".repeat(70_000)}"}`, 42, null]) {
      expect(parseClientMessage(bad)).toBeUndefined();
    }
  });
});
