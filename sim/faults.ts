/** Runtime-switchable failures. Every fault can be removed again; `durationMs` removes it by itself. */

export type SimFault =
  /** Node leaves the cluster: /nodes offline, its guests frozen then "unknown", proxied calls 595. */
  | { kind: "node-offline"; node: string; hangMs?: number; durationMs?: number }
  /** The whole API stops accepting connections (listeners closed, open sockets destroyed). */
  | { kind: "down"; durationMs?: number }
  /** Answer `status` (401/403/500/595/…) on every API path or those matching the `path` regex. */
  | { kind: "status"; status: number; message?: string; path?: string; durationMs?: number }
  /** Delay response headers by `delayMs` on every API path or those matching `path`. */
  | { kind: "slow"; delayMs: number; path?: string; durationMs?: number }
  /** Guest agent of one VM: not running, timing out (after `delayMs`), or not configured at all. */
  | { kind: "agent"; vmid: number; mode: "not-running" | "timeout" | "disabled"; delayMs?: number; durationMs?: number };

export type SimFaultEntry = SimFault & { id: string };

export interface SimFaults {
  add(fault: SimFault): string;
  remove(id: string): boolean;
  clear(): void;
  list(): SimFaultEntry[];
}

type Compiled = SimFaultEntry & { regex?: RegExp };

/** Fault registry; the hot path reads the precomputed arrays, never the whole list. */
export class FaultRegistry implements SimFaults {
  private readonly entries = new Map<string, Compiled>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private seq = 0;
  statusFaults: Compiled[] = [];
  slowFaults: Compiled[] = [];
  private agentFaults = new Map<number, Compiled & { kind: "agent" }>();

  constructor(
    private readonly onChange: (added: SimFaultEntry[], removed: SimFaultEntry[]) => void,
    private readonly check: (fault: SimFault) => void = () => {},
  ) {}

  add(fault: SimFault): string {
    validate(fault);
    this.check(fault);
    const id = `f${++this.seq}`;
    const entry: Compiled = { ...fault, id };
    if ((fault.kind === "status" || fault.kind === "slow") && fault.path !== undefined) entry.regex = new RegExp(fault.path);
    this.entries.set(id, entry);
    if (fault.durationMs !== undefined) {
      const timer = setTimeout(() => this.remove(id), fault.durationMs);
      timer.unref();
      this.timers.set(id, timer);
    }
    this.reindex();
    this.onChange([strip(entry)], []);
    return id;
  }

  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.reindex();
    this.onChange([], [strip(entry)]);
    return true;
  }

  clear(): void {
    const removed = [...this.entries.values()].map(strip);
    this.entries.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.reindex();
    if (removed.length) this.onChange([], removed);
  }

  list(): SimFaultEntry[] {
    return [...this.entries.values()].map(strip);
  }

  has(kind: SimFault["kind"], pred?: (f: SimFaultEntry) => boolean): boolean {
    for (const f of this.entries.values()) if (f.kind === kind && (!pred || pred(f))) return true;
    return false;
  }

  nodeOffline(node: string): (SimFaultEntry & { kind: "node-offline" }) | undefined {
    for (const f of this.entries.values()) if (f.kind === "node-offline" && f.node === node) return strip(f) as SimFaultEntry & { kind: "node-offline" };
    return undefined;
  }

  agent(vmid: number): (SimFaultEntry & { kind: "agent" }) | undefined {
    return this.agentFaults.get(vmid);
  }

  /** First status fault matching the API path, if any. */
  statusFor(path: string): (SimFaultEntry & { kind: "status" }) | undefined {
    for (const f of this.statusFaults) if (!f.regex || f.regex.test(path)) return f as SimFaultEntry & { kind: "status" };
    return undefined;
  }

  /** Sum of matching slow-fault delays. */
  delayFor(path: string): number {
    let ms = 0;
    for (const f of this.slowFaults) if (f.kind === "slow" && (!f.regex || f.regex.test(path))) ms += f.delayMs;
    return ms;
  }

  private reindex(): void {
    const all = [...this.entries.values()];
    this.statusFaults = all.filter((f) => f.kind === "status");
    this.slowFaults = all.filter((f) => f.kind === "slow");
    this.agentFaults = new Map();
    for (const f of all) if (f.kind === "agent") this.agentFaults.set(f.vmid, f);
  }
}

function strip(entry: Compiled): SimFaultEntry {
  const { regex: _regex, ...rest } = entry;
  return rest as SimFaultEntry;
}

function validate(fault: SimFault): void {
  const bad = (msg: string) => {
    throw new Error(`invalid fault: ${msg}`);
  };
  switch (fault.kind) {
    case "node-offline":
      if (typeof fault.node !== "string") bad("node-offline needs 'node'");
      break;
    case "down":
      break;
    case "status":
      if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 999) bad("status needs an HTTP status 100..999");
      break;
    case "slow":
      if (!(fault.delayMs >= 0)) bad("slow needs 'delayMs' >= 0");
      break;
    case "agent":
      if (!Number.isInteger(fault.vmid)) bad("agent needs 'vmid'");
      if (!["not-running", "timeout", "disabled"].includes(fault.mode)) bad("agent mode must be not-running|timeout|disabled");
      break;
    default:
      bad(`unknown kind '${(fault as { kind?: unknown }).kind}'`);
  }
  if (fault.durationMs !== undefined && !(fault.durationMs >= 0)) bad("durationMs must be >= 0");
  if ((fault.kind === "status" || fault.kind === "slow") && fault.path !== undefined) {
    try {
      new RegExp(fault.path);
    } catch {
      bad(`path is not a valid regex: ${fault.path}`);
    }
  }
}
