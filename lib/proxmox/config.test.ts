import { describe, expect, it } from "vitest";
import { originWithAddress, parseHost, resolveCredentials, withRealm } from "./config";
import { errorFromStatus, parsePrivilege } from "./errors";

describe("parseHost", () => {
  it.each([
    ["pve1", "https://pve1:8006"],
    ["pve1:8443", "https://pve1:8443"],
    ["https://10.0.0.1", "https://10.0.0.1:8006"],
    ["https://10.0.0.1:443/", "https://10.0.0.1:443"],
    ["HTTPS://PVE1.example.com:8006/api2/json", "https://pve1.example.com:8006"],
    ["http://pve1", "http://pve1:8006"],
    ["[fd00::1]:8007", "https://[fd00::1]:8007"],
    ["fd00::1", "https://[fd00::1]:8006"],
    ["  pve1  ", "https://pve1:8006"],
  ])("%s → %s", (input, origin) => {
    expect(parseHost(input).origin).toBe(origin);
  });

  it("rejects bad ports and schemes", () => {
    expect(() => parseHost("pve1:99999")).toThrow();
    expect(() => parseHost("ftp://pve1")).toThrow();
  });

  it("builds member origins from the configured scheme and port", () => {
    expect(originWithAddress("https://pve1:8443", "10.0.0.12")).toBe("https://10.0.0.12:8443");
    expect(originWithAddress("pve1", "fd00::12")).toBe("https://[fd00::12]:8006");
  });
});

describe("resolveCredentials", () => {
  it("accepts a full token id", () => {
    expect(resolveCredentials({ tokenName: "pulse@pve!monitor", tokenValue: "s" })).toEqual({
      ok: true,
      credentials: { kind: "token", tokenId: "pulse@pve!monitor", secret: "s" },
    });
  });
  it("combines a bare token id with the user, defaulting the realm to pam", () => {
    expect(resolveCredentials({ user: "pulse", tokenName: "monitor", tokenValue: "s" })).toMatchObject({
      credentials: { tokenId: "pulse@pam!monitor" },
    });
    expect(resolveCredentials({ tokenName: "root!t", tokenValue: "s" })).toMatchObject({ credentials: { tokenId: "root@pam!t" } });
  });
  it("falls back to password login", () => {
    expect(resolveCredentials({ user: "root", password: "pw" })).toEqual({
      ok: true,
      credentials: { kind: "password", username: "root@pam", password: "pw" },
    });
    expect(withRealm("admin@pve")).toBe("admin@pve");
  });
  it("reports unusable configurations", () => {
    expect(resolveCredentials({}).ok).toBe(false);
    expect(resolveCredentials({ tokenName: "monitor", tokenValue: "s" }).ok).toBe(false);
  });
});

describe("errorFromStatus", () => {
  it("maps PVE statuses to kinds", () => {
    expect(errorFromStatus(401, "authentication failure", "/nodes").kind).toBe("auth_failed");
    expect(errorFromStatus(403, "Permission check failed (/nodes/pve1, Sys.Audit)", "/nodes/pve1/status")).toMatchObject({
      kind: "permission_denied",
      status: 403,
      privilege: "Sys.Audit",
    });
    expect(errorFromStatus(595, "No route to host", "/nodes/pve3/status")).toMatchObject({ kind: "node_unreachable", status: 595 });
    expect(errorFromStatus(596, "tls", "/nodes/pve3/qemu/1/status/current").kind).toBe("node_unreachable");
    expect(errorFromStatus(501, "Method 'GET /cluster/ceph/df' not implemented", "/cluster/ceph/df").kind).toBe("not_found");
    expect(errorFromStatus(500, "QEMU guest agent is not running", "/nodes/pve1/qemu/100/agent/get-fsinfo")).toMatchObject({
      kind: "api_error",
      status: 500,
    });
  });
  it("does not mistake token-restriction texts for privileges", () => {
    expect(parsePrivilege("Permission check failed (URI '/x' not available with API token, need proper ticket.)")).toBeUndefined();
    expect(parsePrivilege("Permission check failed (/vms/100, VM.Audit)")).toBe("VM.Audit");
  });
});
