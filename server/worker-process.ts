/**
 * Forks the worker and keeps it alive: restarts it with backoff if it dies, stops it with
 * the server. Messages from it are handed to `onEvent`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { WorkerCommand, WorkerEvent } from "../lib/bus";
import { logger } from "../lib/logger";

export interface WorkerHandle {
  send(cmd: WorkerCommand): boolean;
  stop(): Promise<void>;
}

function workerEntry(root: string): { file: string; execArgv: string[] } {
  const bundled = path.join(root, "dist", "worker.js");
  if (process.env.NODE_ENV === "production" && existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: path.join(root, "workers", "index.ts"), execArgv: ["--import", "tsx"] };
}

export function startWorker(root: string, onEvent: (e: WorkerEvent) => void): WorkerHandle {
  const entry = workerEntry(root);
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;

  const spawn = () => {
    const startedAt = Date.now();
    child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      env: { ...process.env, PULSE_PROCESS: "worker" },
      serialization: "json",
    });
    child.on("message", (m) => onEvent(m as WorkerEvent));
    child.on("exit", (code, signal) => {
      child = undefined;
      if (stopping) return;
      // A worker that ran for a while restarts at once; a crash loop backs off up to 30 s.
      restarts = Date.now() - startedAt > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(30_000, 500 * 2 ** restarts);
      logger.error({ code, signal, delay }, "worker exited; restarting");
      setTimeout(() => !stopping && spawn(), delay).unref();
    });
  };
  spawn();

  return {
    send: (cmd) => (child?.connected ? child.send(cmd) : false),
    stop: () =>
      new Promise((resolve) => {
        stopping = true;
        if (!child) return resolve();
        const c = child;
        const timer = setTimeout(() => c.kill("SIGKILL"), 5000);
        c.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        c.kill("SIGTERM");
      }),
  };
}
