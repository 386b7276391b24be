import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PveClient } from "./client";
import { PveClusterClient } from "./cluster-client";
import type { PveInstanceConfig } from "./config";
import { TICKET_RENEW_AFTER_MS } from "./auth";
import { fetchFingerprint } from "./tls";
import { sendPve, startTestHttpsServer, type TestHttpsServer } from "./test-https-server";

let srv: TestHttpsServer;
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  srv = await startTestHttpsServer();
});
afterAll(() => srv.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  srv.requests.length = 0;
});

function config(over: Partial<PveInstanceConfig> = {}): PveInstanceConfig {
  return { name: "lab", host: srv.origin, tokenName: "pulse@pve!mon", tokenValue: "secret", verifySsl: false, ...over };
}
function client(over: Partial<PveInstanceConfig> = {}, now?: () => number) {
  const c = PveClient.fromConfig(config(over), { now });
  clients.push(c);
  return c;
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("PveClient transport and auth", () => {
  it("sends the API token header and parses the envelope", async () => {
    srv.handle((req, res) => sendPve(res, 200, { version: "8.3.0", release: "8.3", repoid: "abc" }));
    const r = await client().getVersion();
    expect(r).toEqual({ ok: true, data: { version: "8.3.0", release: "8.3", repoid: "abc" } });
    expect(srv.requests[0].headers.authorization).toBe("PVEAPIToken=pulse@pve!mon=secret");
    expect(srv.requests[0].headers["accept-encoding"]).toBeUndefined();
  });

  it("logs in with a ticket (JSON, then form on 415), sends the cookie and CSRF only on writes", async () => {
    let logins = 0;
    srv.handle(async (req, res) => {
      if (req.path === "/access/ticket") {
        logins++;
        if (req.headers["content-type"]?.startsWith("application/json")) return sendPve(res, 415, null, "Unsupported Media Type");
        const form = new URLSearchParams(req.body);
        if (form.get("username") !== "root@pam" || form.get("password") !== "pw") return sendPve(res, 401, null, "authentication failure");
        await new Promise((r) => setTimeout(r, 30));
        return sendPve(res, 200, { ticket: "PVE:root@pam:1::sig", CSRFPreventionToken: "csrf-1", username: "root@pam" });
      }
      if (req.headers.cookie !== "PVEAuthCookie=PVE:root@pam:1::sig") return sendPve(res, 401, null, "No ticket");
      if (req.method === "POST" && req.headers.csrfpreventiontoken !== "csrf-1") return sendPve(res, 401, null, "Permission denied - invalid csrf token");
      sendPve(res, 200, req.method === "POST" ? "UPID:pve1:1" : []);
    });
    const c = client({ tokenName: undefined, tokenValue: undefined, user: "root", password: "pw" });
    const [a, b, d] = await Promise.all([c.getNodes(), c.getNodes(), c.getStorageConfig()]);
    expect(a.ok && b.ok && d.ok).toBe(true);
    expect(logins).toBe(2); // one JSON attempt + one form attempt, shared by the three calls
    const post = await c.request("POST", "/nodes/pve1/qemu/100/status/start", z.string(), { body: { timeout: 5 } });
    expect(post).toEqual({ ok: true, data: "UPID:pve1:1" });
    const getReq = srv.requests.find((r) => r.path === "/nodes");
    expect(getReq?.headers.csrfpreventiontoken).toBeUndefined();
    const postReq = srv.requests.find((r) => r.method === "POST" && r.path.startsWith("/nodes/"));
    expect(postReq?.headers.csrfpreventiontoken).toBe("csrf-1");
    expect(postReq?.body).toBe("timeout=5");
  });

  it("renews the ticket before expiry and once after a 401", async () => {
    let n = 0;
    let valid = "";
    srv.handle((req, res) => {
      if (req.path === "/access/ticket") {
        valid = `T${++n}`;
        return sendPve(res, 200, { ticket: valid, CSRFPreventionToken: "c" });
      }
      if (req.headers.cookie !== `PVEAuthCookie=${valid}`) return sendPve(res, 401, null, "authentication failure");
      sendPve(res, 200, []);
    });
    let now = 1_000_000;
    const c = client({ tokenName: undefined, tokenValue: undefined, user: "root", password: "pw" }, () => now);
    expect((await c.getNodes()).ok).toBe(true);
    expect(n).toBe(1);
    now += TICKET_RENEW_AFTER_MS + 1;
    expect((await c.getNodes()).ok).toBe(true);
    expect(n).toBe(2);
    valid = "revoked";
    expect((await c.getNodes()).ok).toBe(true);
    expect(n).toBe(3);
  });

  it("maps a bad password to auth_failed", async () => {
    srv.handle((req, res) => sendPve(res, 401, null, "authentication failure"));
    const r = await client({ tokenName: undefined, tokenValue: undefined, user: "root", password: "bad" }).getNodes();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: "auth_failed", status: 401 });
  });

  it("reads the error text from the reason phrase when the body is empty", async () => {
    srv.handle((req, res) => {
      res.statusMessage = "authentication failure";
      res.writeHead(401, { "content-length": 0 });
      res.end();
    });
    const r = await client().getNodes();
    expect(!r.ok && r.error).toMatchObject({ kind: "auth_failed", message: "authentication failure", path: "/nodes" });
  });

  it("maps 403 with the missing privilege, 595 on node paths, 500 and 501", async () => {
    srv.handle((req, res) => {
      if (req.path === "/nodes/pve1/status") return sendPve(res, 403, null, "Permission check failed (/nodes/pve1, Sys.Audit)");
      if (req.path === "/nodes/pve3/status") {
        res.statusMessage = "No route to host";
        res.writeHead(595, { "content-length": 0 });
        return res.end();
      }
      if (req.path.includes("agent")) return sendPve(res, 500, null, "QEMU guest agent is not running");
      sendPve(res, 501, null, "Method 'GET /cluster/ceph/df' not implemented");
    });
    const c = client();
    const forbidden = await c.getNodeStatus("pve1");
    expect(!forbidden.ok && forbidden.error).toMatchObject({ kind: "permission_denied", status: 403, privilege: "Sys.Audit" });
    const offline = await c.getNodeStatus("pve3");
    expect(!offline.ok && offline.error).toMatchObject({ kind: "node_unreachable", status: 595 });
    const agent = await c.getAgentFsInfo("pve1", 100);
    expect(!agent.ok && agent.error).toMatchObject({ kind: "api_error", status: 500, message: "QEMU guest agent is not running" });
    const ceph = await c.get("/cluster/ceph/df", z.unknown());
    expect(!ceph.ok && ceph.error).toMatchObject({ kind: "not_found", status: 501 });
  });

  it("reports schema violations and HTML answers as invalid_response", async () => {
    srv.handle((req, res) => {
      if (req.path === "/nodes") return sendPve(res, 200, { not: "a list" });
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>hello</html>");
    });
    const c = client();
    const bad = await c.getNodes();
    expect(!bad.ok && bad.error.kind).toBe("invalid_response");
    const html = await c.getVersion();
    expect(!html.ok && html.error).toMatchObject({ kind: "invalid_response" });
    expect(!html.ok && html.error.message).toMatch(/HTML/);
  });

  it("times out on slow headers with the per-call timeout", async () => {
    srv.handle(async (req, res) => {
      await new Promise((r) => setTimeout(r, 800));
      sendPve(res, 200, []);
    });
    const started = Date.now();
    const r = await client().getNodes({ timeoutMs: 150 });
    expect(!r.ok && r.error.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(700);
  });

  it("reports a closed port as unreachable", async () => {
    const r = await client({ host: `127.0.0.1:${await closedPort()}` }).getNodes();
    expect(!r.ok && r.error.kind).toBe("unreachable");
  });
});

describe("TLS policy", () => {
  it("accepts a pinned fingerprint in any notation", async () => {
    srv.handle((req, res) => sendPve(res, 200, []));
    const lower = srv.fingerprint.toLowerCase();
    expect((await client({ fingerprint: lower }).getNodes()).ok).toBe(true);
    expect((await client({ fingerprint: srv.fingerprint.replace(/:/g, ""), verifySsl: true }).getNodes()).ok).toBe(true);
  });

  it("rejects a wrong pin before sending the request, naming both fingerprints", async () => {
    srv.handle((req, res) => sendPve(res, 200, []));
    const wrong = "AA:".repeat(31) + "AA";
    const r = await client({ fingerprint: wrong }).getNodes();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe("fingerprint_mismatch");
      expect(r.error.message).toContain(wrong);
      expect(r.error.message).toContain(srv.fingerprint);
    }
    expect(srv.requests).toHaveLength(0);
  });

  it("verifies against the CA store when verifySsl is on and nothing is pinned", async () => {
    srv.handle((req, res) => sendPve(res, 200, []));
    const r = await client({ verifySsl: true }).getNodes();
    expect(!r.ok && r.error.kind).toBe("tls");
  });

  it("fetches the leaf fingerprint for trust on first use", async () => {
    expect(await fetchFingerprint(srv.origin)).toEqual({ ok: true, data: srv.fingerprint });
    const closed = await fetchFingerprint(`127.0.0.1:${await closedPort()}`);
    expect(!closed.ok && closed.error.kind).toBe("unreachable");
  });
});

describe("PveClusterClient failover", () => {
  let second: TestHttpsServer;
  beforeAll(async () => {
    second = await startTestHttpsServer({ freshCertificate: true });
  });
  afterAll(() => second.close());

  it("moves on to the next member when one is down and remembers it", async () => {
    const dead = `https://127.0.0.1:${await closedPort()}`;
    second.handle((req, res) => sendPve(res, 200, [{ node: "pve2", status: "online" }]));
    let now = 0;
    const c = new PveClusterClient(
      config({
        host: dead,
        clusterEndpoints: [
          { nodeName: "pve1", host: dead },
          { nodeName: "pve2", host: second.origin, fingerprint: second.fingerprint },
        ],
      }),
      { now: () => now },
    );
    clients.push(c);
    const r = await c.getNodes();
    expect(r.ok).toBe(true);
    expect(c.endpoints()).toMatchObject([
      { nodeName: "pve1", healthy: false, failures: 1 },
      { nodeName: "pve2", healthy: true },
    ]);
    second.requests.length = 0;
    await c.getNodes();
    expect(second.requests).toHaveLength(1);
    expect(c.activeOrigin).toBe(second.origin);
    now += 60_000;
    await c.getNodes(); // preferred member still answers; the dead one is not retried first
    expect(c.endpoints()[0].failures).toBe(1);
  });

  it("does not fail over on 595, 403 or agent errors, and stops on auth errors", async () => {
    let firstHits = 0;
    srv.handle((req, res) => {
      firstHits++;
      if (req.path === "/nodes/pve3/status") {
        res.writeHead(595, { "content-length": 0 });
        return res.end();
      }
      if (req.path === "/storage") return sendPve(res, 403, null, "Permission check failed (/storage, Datastore.Audit)");
      if (req.path === "/nodes") return sendPve(res, 401, null, "authentication failure");
      sendPve(res, 500, null, "QEMU guest agent is not running");
    });
    second.handle((req, res) => sendPve(res, 200, []));
    second.requests.length = 0;
    const c = new PveClusterClient(
      config({ clusterEndpoints: [{ nodeName: "pve1", host: srv.origin }, { nodeName: "pve2", host: second.origin, fingerprint: second.fingerprint }] }),
    );
    clients.push(c);
    expect((await c.getNodeStatus("pve3")).ok).toBe(false);
    expect((await c.getStorageConfig()).ok).toBe(false);
    expect((await c.getAgentFsInfo("pve1", 100)).ok).toBe(false);
    const auth = await c.getNodes();
    expect(!auth.ok && auth.error.kind).toBe("auth_failed");
    expect(firstHits).toBe(4);
    expect(second.requests).toHaveLength(0);
    expect(c.endpoints().every((e) => e.healthy)).toBe(true);
  });

  it("treats a member with a changed certificate as failed and uses the next", async () => {
    srv.handle((req, res) => sendPve(res, 200, [{ node: "pve1", status: "online" }]));
    second.handle((req, res) => sendPve(res, 200, [{ node: "pve2", status: "online" }]));
    const c = new PveClusterClient(
      config({
        clusterEndpoints: [
          { nodeName: "pve1", host: srv.origin, fingerprint: second.fingerprint },
          { nodeName: "pve2", host: second.origin, fingerprint: second.fingerprint },
        ],
      }),
    );
    clients.push(c);
    const r = await c.getNodes();
    expect(r.ok && r.data[0].node).toBe("pve2");
    expect(c.endpoints()[0]).toMatchObject({ healthy: false });
    expect(c.endpoints()[0].lastError).toMatch(/fingerprint mismatch/);
  });
});
