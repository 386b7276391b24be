import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TOKEN, DEFAULT_USER, startSimulator, type SimToken, type Simulator } from "./index";
import { call, get, tokenHeader } from "./test-helpers";

const AUDITOR: SimToken = { tokenId: "pulse@pve!audit", secret: "0b4c3f6e-aaaa-4bbb-8ccc-111122223333", privileges: ["VM.Audit", "Datastore.Audit"] };
const ONE_VM: SimToken = { tokenId: "pulse@pve!one", secret: "0b4c3f6e-aaaa-4bbb-8ccc-444455556666", privileges: ["/vms/100:VM.Audit", "Sys.Audit"] };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ unauthorizedDelayMs: 0, tokens: [AUDITOR, ONE_VM], users: [{ username: "pulse@pve", password: "s3cret", privileges: ["VM.Audit"] }] });
});
afterAll(() => sim.close());

async function login(body: string, contentType: string) {
  return call(sim, "POST", "/access/ticket", { headers: { "Content-Type": contentType }, body });
}

describe("API tokens", () => {
  it("accepts the token with '=' or a space, URI-escaped or not", async () => {
    expect((await get(sim, "/version")).status).toBe(200);
    const spaced = await call(sim, "GET", "/version", { headers: { Authorization: `PVEAPIToken ${DEFAULT_TOKEN.tokenId}=${DEFAULT_TOKEN.secret}` } });
    expect(spaced.status).toBe(200);
    const escaped = await call(sim, "GET", "/version", { headers: { Authorization: `PVEAPIToken=${encodeURIComponent(`${DEFAULT_TOKEN.tokenId}=${DEFAULT_TOKEN.secret}`)}` } });
    expect(escaped.status).toBe(200);
  });

  it("answers a wrong secret with an empty 401 and closes the connection", async () => {
    const r = await call(sim, "GET", "/nodes", { headers: { Authorization: `PVEAPIToken=${DEFAULT_TOKEN.tokenId}=wrong` } });
    expect(r.status).toBe(401);
    expect(r.reason).toBe("authentication failure");
    expect(r.text).toBe("");
    expect(r.headers.connection).toBe("close");
  });

  it("answers missing credentials with 401 No ticket", async () => {
    const r = await call(sim, "GET", "/nodes");
    expect(r.status).toBe(401);
    expect(r.reason).toBe("No ticket");
    expect(r.text).toBe("");
  });

  it("delays 401 answers", async () => {
    const slow = await startSimulator({ unauthorizedDelayMs: 300, guests: 2 });
    try {
      const t = Date.now();
      const r = await call(slow, "GET", "/nodes");
      expect(r.status).toBe(401);
      expect(Date.now() - t).toBeGreaterThanOrEqual(250);
    } finally {
      await slow.close();
    }
  });

  it("keeps /access/domains public", async () => {
    const r = await call(sim, "GET", "/access/domains");
    expect(r.status).toBe(200);
    expect(r.json.data.map((d: { realm: string }) => d.realm)).toEqual(["pam", "pve"]);
  });
});

describe("privileges", () => {
  it("refuses node status without Sys.Audit with PVE's message", async () => {
    const r = await get(sim, "/nodes/pve1/status", AUDITOR);
    expect(r.status).toBe(403);
    expect(r.reason).toBe("Permission check failed (/nodes/pve1, Sys.Audit)");
    expect(r.json).toEqual({ data: null, message: "Permission check failed (/nodes/pve1, Sys.Audit)\n" });
    expect((await get(sim, "/cluster/status", AUDITOR)).status).toBe(403);
  });

  it("refuses guest agent calls without the agent privilege", async () => {
    const r = await get(sim, "/nodes/pve1/qemu/100/agent/get-fsinfo", AUDITOR);
    expect(r.status).toBe(403);
    expect(r.json.message).toBe("Permission check failed (/vms/100, VM.GuestAgent.Audit)\n");
  });

  it("omits what the token may not audit from /cluster/resources and /nodes", async () => {
    const auditor = (await get(sim, "/cluster/resources", AUDITOR)).json.data;
    expect(auditor.some((e: { type: string }) => e.type === "node")).toBe(false);
    expect(auditor.filter((e: { type: string }) => e.type === "qemu" || e.type === "lxc")).toHaveLength(24);
    const nodes = (await get(sim, "/nodes", AUDITOR)).json.data;
    expect(Object.keys(nodes[0]).sort()).toEqual(["id", "node", "ssl_fingerprint", "status", "type"]);
    const one = (await get(sim, "/cluster/resources?type=vm", ONE_VM)).json.data;
    expect(one.map((e: { vmid: number }) => e.vmid)).toEqual([100]);
    expect((await get(sim, "/nodes/pve2/qemu/104/status/current", ONE_VM)).status).toBe(403);
  });
});

describe("tickets", () => {
  it("logs in with a JSON body and uses the cookie", async () => {
    const r = await login(JSON.stringify({ username: DEFAULT_USER.username, password: DEFAULT_USER.password }), "application/json");
    expect(r.status).toBe(200);
    const { ticket, CSRFPreventionToken, username, clustername } = r.json.data;
    expect(username).toBe("root@pam");
    expect(clustername).toBe("pulse-sim");
    expect(ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::\S+$/);
    expect(CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:\S+$/);
    const ok = await call(sim, "GET", "/nodes", { headers: { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` } });
    expect(ok.status).toBe(200);
  });

  it("logs in with a form body and needs the CSRF token for writes", async () => {
    const body = new URLSearchParams({ username: "pulse@pve", password: "s3cret" }).toString();
    const r = await login(body, "application/x-www-form-urlencoded");
    expect(r.status).toBe(200);
    const { ticket, CSRFPreventionToken } = r.json.data;
    const cookie = `PVEAuthCookie=${ticket}`;
    const noCsrf = await call(sim, "POST", "/nodes/pve1/qemu/106/status/stop", { headers: { Cookie: cookie } });
    expect(noCsrf.status).toBe(401);
    expect(noCsrf.text).toBe("");
    // With CSRF the write reaches the handler, which then checks VM.PowerMgmt.
    const denied = await call(sim, "POST", "/nodes/pve1/qemu/106/status/stop", { headers: { Cookie: cookie, CSRFPreventionToken } });
    expect(denied.status).toBe(403);
    expect(denied.reason).toBe("Permission check failed (/vms/106, VM.PowerMgmt)");
  });

  it("lets a token write without CSRF and records a task", async () => {
    const r = await call(sim, "POST", "/nodes/pve1/qemu/106/status/stop", { headers: tokenHeader() });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatch(/^UPID:pve1:.*:qmstop:106:root@pam!pulse:$/);
    expect((await get(sim, "/nodes/pve1/qemu/106/status/current")).json.data.status).toBe("stopped");
    const again = await call(sim, "POST", "/nodes/pve1/qemu/106/status/start", { headers: tokenHeader() });
    expect(again.status).toBe(200);
  });

  it("rejects a wrong password with a JSON 401", async () => {
    const r = await login(JSON.stringify({ username: "root@pam", password: "nope" }), "application/json");
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ data: null, message: "authentication failure\n" });
  });

  it("expires tickets after two hours of simulated time", async () => {
    const s = await startSimulator({ unauthorizedDelayMs: 0, guests: 2 });
    try {
      const r = await call(s, "POST", "/access/ticket", { headers: { "Content-Type": "application/json" }, body: JSON.stringify(DEFAULT_USER) });
      const cookie = { Cookie: `PVEAuthCookie=${r.json.data.ticket}` };
      s.advance(3600);
      expect((await call(s, "GET", "/version", { headers: cookie })).status).toBe(200);
      s.advance(3601);
      const expired = await call(s, "GET", "/version", { headers: cookie });
      expect(expired.status).toBe(401);
    } finally {
      await s.close();
    }
  });
});
