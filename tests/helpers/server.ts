/**
 * Starts the real production server (dist/server.js, which forks the worker) on a free
 * loopback port with its own data directory, for API tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const TEST_TOKEN = "test-token-0123456789abcdef0123456789abcdef";

export interface TestServer {
  url: string;
  /** pid of the web process (the worker is its child) */
  pid: number;
  dataDir: string;
  token: string;
  fetch(pathname: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  stop(): Promise<void>;
  output(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} failed: ${out}`))));
  });
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = env.PULSE_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "pulse-api-"));
  const port = await freePort();
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    BIND_ADDRESS: "127.0.0.1",
    PULSE_DATA_DIR: dataDir,
    API_TOKENS: TEST_TOKEN,
    PULSE_POLL_INTERVAL_MS: "500",
    PULSE_LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...env,
  };
  await run(process.execPath, ["scripts/migrate.mjs"], fullEnv);
  const child: ChildProcess = spawn(process.execPath, ["dist/server.js"], { cwd: ROOT, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    pid: child.pid ?? 0,
    dataDir,
    token: fullEnv.API_TOKENS?.split(",")[0] ?? "",
    output: () => output,
    fetch: (pathname, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.auth !== false && !headers.has("x-api-token") && fullEnv.API_TOKENS) headers.set("X-API-Token", TEST_TOKEN);
      return fetch(`${url}${pathname}`, { ...init, headers });
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 8000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      if (!env.PULSE_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value or the timeout passes. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
