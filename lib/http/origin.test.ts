import { describe, expect, it } from "vitest";
import { isAllowedWebSocketOrigin, isPrivateNetworkHost } from "./origin";

describe("WebSocket origin check", () => {
  it("lets non-browser clients (no Origin) and the page's own host in", () => {
    expect(isAllowedWebSocketOrigin(undefined, "pulse.example.com", [])).toBe(true);
    expect(isAllowedWebSocketOrigin("", "pulse.example.com", [])).toBe(true);
    expect(isAllowedWebSocketOrigin("https://pulse.example.com", "pulse.example.com", [])).toBe(true);
    expect(isAllowedWebSocketOrigin("https://Pulse.Example.com:8443", "pulse.example.com:8443", [])).toBe(true);
  });

  it("refuses other public origins unless listed", () => {
    expect(isAllowedWebSocketOrigin("https://evil.example.net", "pulse.example.com", [])).toBe(false);
    // Same host name on another port is another origin.
    expect(isAllowedWebSocketOrigin("https://pulse.example.com:9999", "pulse.example.com", [])).toBe(false);
    expect(isAllowedWebSocketOrigin("https://dash.example.org", "pulse.example.com", ["https://dash.example.org"])).toBe(true);
    expect(isAllowedWebSocketOrigin("https://dash.example.org/", "pulse.example.com", ["https://dash.example.org/"])).toBe(true);
    expect(isAllowedWebSocketOrigin("https://other.example.org", "pulse.example.com", ["https://dash.example.org"])).toBe(false);
    expect(isAllowedWebSocketOrigin("https://anything.example", "pulse.example.com", ["*"])).toBe(true);
  });

  it("refuses origins that are not http(s) origins", () => {
    expect(isAllowedWebSocketOrigin("null", "pulse.example.com", [])).toBe(false);
    expect(isAllowedWebSocketOrigin("file:///etc/passwd", "pulse.example.com", [])).toBe(false);
    expect(isAllowedWebSocketOrigin("chrome-extension://abc", "pulse.example.com", ["*"])).toBe(false);
  });

  it("accepts private-network origins, as Pulse does on a LAN", () => {
    for (const o of ["http://localhost:3000", "http://127.0.0.1:7655", "http://10.1.2.3", "http://172.16.0.9:7655", "http://172.31.255.1", "http://192.168.1.50:7655", "http://[::1]:7655", "http://[fd12:3456::1]", "http://[::ffff:10.0.0.1]"]) {
      expect(isAllowedWebSocketOrigin(o, "pulse.example.com", []), o).toBe(true);
    }
    for (const o of ["http://172.32.0.1", "http://172.15.0.1", "http://8.8.8.8", "http://169.254.169.254", "http://[2001:db8::1]", "http://[::ffff:8.8.8.8]", "http://192.169.1.1", "http://10.example.com"]) {
      expect(isAllowedWebSocketOrigin(o, "pulse.example.com", []), o).toBe(false);
    }
  });

  it("classifies hosts", () => {
    expect(isPrivateNetworkHost("app.localhost")).toBe(true);
    expect(isPrivateNetworkHost("localhost.example.com")).toBe(false);
    expect(isPrivateNetworkHost("fc00::1")).toBe(true);
    expect(isPrivateNetworkHost("fe80::1")).toBe(false);
  });
});
