/**
 * The administration CLI (`npm run pulse -- …`) against the data directory of a running
 * server: bootstrap token, password reset for a locked-out admin, token creation.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startTestServer, type TestServer } from "../helpers/server";

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(dataDir: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PULSE_DATA_DIR: dataDir, API_TOKENS: "", PULSE_LOG_LEVEL: "warn", NODE_ENV: "production" };
    delete env.DATABASE_URL;
    const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/pulse-cli.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const hex = (n: number) => new RegExp(`\\b([0-9a-f]{${n}})\\b`);

describe("pulse CLI", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "pulse-cli-"));
  let srv: TestServer;
  let n = 0;
  const login = (username: string, password: string) =>
    srv.fetch("/api/login", {
      auth: false,
      method: "POST",
      headers: { "content-type": "application/json", "X-Forwarded-For": `198.51.100.${++n}` },
      body: JSON.stringify({ username, password }),
    });

  let bootstrapToken: string;
  beforeAll(async () => {
    // Before the server ever ran: the CLI prepares the database and the token the server then uses.
    const r = await cli(dataDir, "bootstrap-token");
    expect(r.code, r.stderr).toBe(0);
    bootstrapToken = r.stdout.match(hex(48))![1];
    srv = await startTestServer({ PULSE_DATA_DIR: dataDir, API_TOKENS: "" });
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the bootstrap token while setup is pending, and refuses once it is done", async () => {
    const valid = await srv.fetch("/api/security/validate-bootstrap-token", { auth: false, method: "POST", headers: { "X-Setup-Token": bootstrapToken } });
    expect(valid.status).toBe(204);
    const again = await cli(dataDir, "bootstrap-token");
    expect(again.stdout).toContain(bootstrapToken);

    const setup = await srv.fetch("/api/security/quick-setup", {
      auth: false,
      method: "POST",
      headers: { "content-type": "application/json", "X-Setup-Token": bootstrapToken },
      body: JSON.stringify({ username: "admin", password: "original-password-1" }),
    });
    expect(setup.status).toBe(200);
    const done = await cli(dataDir, "bootstrap-token");
    expect(done.code).toBe(1);
    expect(done.stderr).toContain("Setup is complete");
  });

  it("resets a password: the old one and every session stop working", async () => {
    const session = (await login("admin", "original-password-1")).headers.getSetCookie().find((c) => c.startsWith("pulse_session="))!.split(";")[0];
    expect((await srv.fetch("/api/state", { auth: false, headers: { cookie: session } })).status).toBe(200);

    const r = await cli(dataDir, "reset-password", "--user", "admin", "--password", "replaced-password-2");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("2 session(s) ended"); // the one quick setup opened, and this login
    expect((await srv.fetch("/api/state", { auth: false, headers: { cookie: session } })).status).toBe(401);
    expect((await login("admin", "original-password-1")).status).toBe(401);
    expect((await login("admin", "replaced-password-2")).status).toBe(200);
  });

  it("generates and prints a password when none is given (no terminal)", async () => {
    const r = await cli(dataDir, "reset-password", "--user", "admin");
    expect(r.code, r.stderr).toBe(0);
    const generated = r.stdout.match(/shown only now\):\s+(\S+)/)?.[1];
    expect(generated?.length).toBeGreaterThanOrEqual(12);
    expect((await login("admin", generated!)).status).toBe(200);
  });

  it("refuses short passwords, unknown users and bad arguments", async () => {
    const short = await cli(dataDir, "reset-password", "--user", "admin", "--password", "short");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("at least 12");
    const ghost = await cli(dataDir, "reset-password", "--user", "ghost", "--password", "long-enough-password");
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain('No user named "ghost" (users: admin)');
    expect((await cli(dataDir, "reset-password")).code).toBe(2);
    expect((await cli(dataDir, "create-token", "--name", "x", "--scope", "everything")).code).toBe(2);
    expect((await cli(dataDir)).code).toBe(2);
  });

  it("creates a scoped API token, printed once", async () => {
    const r = await cli(dataDir, "create-token", "--name", "dashboard", "--scope", "monitoring:read");
    expect(r.code, r.stderr).toBe(0);
    const token = r.stdout.match(hex(64))![1];
    expect((await srv.fetch("/api/state", { auth: false, headers: { "X-API-Token": token } })).status).toBe(200);
    const write = await srv.fetch("/api/config/nodes", { auth: false, method: "POST", headers: { "X-API-Token": token, "content-type": "application/json" }, body: "{}" });
    expect(write.status).toBe(403);
    expect((await write.json()).code).toBe("missing_scope");
  });
});
