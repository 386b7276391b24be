/**
 * The event bus between the web process and the worker. The default implementation is
 * Node's IPC channel (the server forks the worker); the web side registers a sender here
 * so route handlers can reach the worker without knowing how it runs.
 */

/** Web → worker. */
export type WorkerCommand =
  | { type: "reload-config" } // node configs or settings changed: reload and poll now
  | { type: "poll-now" };

/** Worker → web. */
export type WorkerEvent =
  | { type: "state"; json: string }
  | { type: "ready"; demo: boolean; simulatorUrl?: string }
  | { type: "log"; level: "info" | "warn" | "error"; message: string };

const g = globalThis as unknown as { __pulseWorkerSender?: (cmd: WorkerCommand) => boolean };

export function setWorkerSender(send: ((cmd: WorkerCommand) => boolean) | undefined): void {
  g.__pulseWorkerSender = send;
}

/** Returns false when no worker is attached (e.g. route handlers running without the custom server). */
export function sendToWorker(cmd: WorkerCommand): boolean {
  return g.__pulseWorkerSender?.(cmd) ?? false;
}
