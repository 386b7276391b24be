/**
 * Bounds the PVE requests in flight for one instance, so a 3,000-guest cluster does not
 * open 3,000 sockets (or queue them all inside undici where their timeouts would run).
 */
import type { PveResult } from "../proxmox/errors";

export class RequestLimiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly max: number) {}

  get pending(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<PveResult<T>>, signal?: AbortSignal): Promise<PveResult<T>> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      // the cycle deadline passed while this call waited: do not start it
      if (signal?.aborted) return { ok: false, error: { kind: "timeout", message: "poll cycle deadline passed before the request started" } };
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
