/** /_sim/…: unauthenticated JSON control API for demos and out-of-process tests. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { SimFault, SimFaults } from "../faults";
import { readBody } from "../http";

export interface ControlTarget {
  faults: SimFaults;
  advance(seconds: number): void;
  restartGuest(vmid: number): void;
  rebootNode(node: string): void;
  setGuestCpu(vmid: number, cpu: number): void;
  setGuestStatus(vmid: number, status: string): void;
  renameGuest(vmid: number, name: string): void;
  guest(vmid: number): unknown;
  state(): unknown;
  /** Runs `fn` while keeping `socket` open if `fn` takes listeners down. */
  sparing<T>(socket: Socket, fn: () => T): T;
}

class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function reply(res: ServerResponse, status: number, body: unknown, close = false): void {
  const buf = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": buf.length };
  if (close || status >= 400) headers.Connection = "close";
  res.writeHead(status, headers);
  res.end(buf);
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ControlError(400, "body must be a JSON object");
}

function num(body: Record<string, unknown>, key: string): number {
  const v = Number(body[key]);
  if (body[key] === undefined || !Number.isFinite(v)) throw new ControlError(400, `'${key}' must be a number`);
  return v;
}

/** Maps thrown model errors ("no such guest") to 404, other validation errors to 400. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ControlError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ControlError(/^no such/.test(msg) ? 404 : 400, msg);
  }
}

export function createControlHandler(sim: ControlTarget) {
  const route = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? "GET";
    const seg = path.split("/").filter(Boolean).slice(1);
    const [a, b, c] = seg;
    if (method === "GET" && a === "state" && seg.length === 1) return reply(res, 200, sim.state());
    if (a === "faults") {
      if (seg.length === 1 && method === "GET") return reply(res, 200, sim.faults.list());
      if (seg.length === 1 && method === "POST") {
        const fault = (await jsonBody(req)) as unknown as SimFault;
        const id = guard(() => sim.sparing(req.socket, () => sim.faults.add(fault)));
        return reply(res, 200, { id }, fault.kind === "down" || fault.kind === "node-offline");
      }
      if (seg.length === 1 && method === "DELETE") {
        const n = sim.faults.list().length;
        sim.faults.clear();
        return reply(res, 200, { cleared: n });
      }
      if (seg.length === 2 && method === "DELETE") {
        if (!sim.faults.remove(b)) throw new ControlError(404, `no such fault '${b}'`);
        return reply(res, 200, { removed: b });
      }
    }
    if (a === "advance" && seg.length === 1 && method === "POST") {
      const seconds = num(await jsonBody(req), "seconds");
      guard(() => sim.advance(seconds));
      return reply(res, 200, { advanced: seconds });
    }
    if (a === "guests" && b !== undefined) {
      const vmid = Number(b);
      if (seg.length === 2 && method === "GET") {
        const g = sim.guest(vmid);
        if (!g) throw new ControlError(404, `no such guest ${b}`);
        return reply(res, 200, g);
      }
      if (seg.length === 3 && method === "POST") {
        const body = await jsonBody(req);
        if (c === "cpu") guard(() => sim.setGuestCpu(vmid, num(body, "cpu")));
        else if (c === "restart") guard(() => sim.restartGuest(vmid));
        else if (c === "status") {
          if (typeof body.status !== "string") throw new ControlError(400, "'status' must be a string");
          guard(() => sim.setGuestStatus(vmid, body.status as string));
        } else if (c === "name") {
          if (typeof body.name !== "string" || !body.name) throw new ControlError(400, "'name' must be a non-empty string");
          guard(() => sim.renameGuest(vmid, body.name as string));
        } else throw new ControlError(404, `unknown control path ${path}`);
        return reply(res, 200, sim.guest(vmid));
      }
    }
    if (a === "nodes" && b !== undefined && c === "reboot" && seg.length === 3 && method === "POST") {
      guard(() => sim.rebootNode(b));
      return reply(res, 200, { rebooted: b });
    }
    throw new ControlError(404, `unknown control path ${method} ${path}`);
  };
  return (req: IncomingMessage, res: ServerResponse, path: string): void => {
    route(req, res, path).catch((e: unknown) => {
      if (res.headersSent) return;
      const status = e instanceof ControlError ? e.status : 500;
      reply(res, status, { error: e instanceof Error ? e.message : String(e) });
    });
  };
}
