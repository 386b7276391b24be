/** Path-segment trie over the API routes, plus PVE-style parameter verification. */
import type { IncomingMessage } from "node:http";
import type { Principal } from "./auth";
import type { Cluster } from "./cluster";
import type { FaultRegistry } from "./faults";
import type { History } from "./history";
import { paramError } from "./http";
import type { SimNode } from "./model";

export interface RouteContext {
  req: IncomingMessage;
  method: string;
  /** Path below /api2/json. */
  path: string;
  params: Record<string, string>;
  /** Query (GET) or body (POST/PUT/DELETE) parameters. */
  args: Record<string, string>;
  principal: Principal;
  cluster: Cluster;
  history: History;
  faults: FaultRegistry;
  /** The node whose pveproxy answers this request. */
  local: SimNode;
  auth: { createTicket(params: Record<string, string>): Record<string, unknown> };
}

/** A pre-serialised response body (cached /cluster/resources etc.). */
export class Raw {
  constructor(readonly body: string) {}
}

/** What a handler returns: the `data` payload, optional siblings such as `total`, or a Raw body. */
export type HandlerResult = unknown;

export interface ParamSpec {
  /** Accepted names besides the path parameters; anything else is a 400 like PVE's schema check. */
  allowed: string[];
  required?: string[];
  enums?: Record<string, string[]>;
  integers?: string[];
  booleans?: string[];
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  pattern: string;
  /** /access/ticket and /access/domains work without credentials. */
  public?: boolean;
  /** Path parameters are verified by the router; `args` by this spec (undefined = accept anything). */
  params?: ParamSpec;
  handler(ctx: RouteContext): HandlerResult | Promise<HandlerResult>;
}

interface TrieNode {
  literal: Map<string, TrieNode>;
  param?: { name: string; node: TrieNode };
  routes: Map<string, Route>;
}

const newNode = (): TrieNode => ({ literal: new Map(), routes: new Map() });

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly root = newNode();

  add(routes: Route[]): this {
    for (const r of routes) {
      let node = this.root;
      for (const seg of r.pattern.split("/").filter(Boolean)) {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (m) {
          node.param ??= { name: m[1], node: newNode() };
          node = node.param.node;
        } else {
          let next = node.literal.get(seg);
          if (!next) node.literal.set(seg, (next = newNode()));
          node = next;
        }
      }
      node.routes.set(r.method, r);
    }
    return this;
  }

  match(method: string, path: string): RouteMatch | undefined {
    let node: TrieNode | undefined = this.root;
    const params: Record<string, string> = {};
    let start = 1;
    while (node && start <= path.length) {
      let end = path.indexOf("/", start);
      if (end < 0) end = path.length;
      if (end > start) {
        const seg = path.slice(start, end);
        const lit: TrieNode | undefined = node.literal.get(seg);
        if (lit) {
          node = lit;
        } else if (node.param) {
          let value = seg;
          try {
            value = decodeURIComponent(seg);
          } catch {
            // keep the raw segment; verification rejects it later if malformed
          }
          params[node.param.name] = value;
          node = node.param.node;
        } else {
          node = undefined;
        }
      }
      start = end + 1;
    }
    const route = node?.routes.get(method);
    return route ? { route, params } : undefined;
  }
}

const NOT_IN_SCHEMA = "property is not defined in schema and the schema does not allow additional properties";

/** Mirrors PVE::JSONSchema validation texts for the few formats the simulator knows. */
export function verifyParams(route: Route, params: Record<string, string>, args: Record<string, string>): void {
  const errors: Record<string, string> = {};
  if (params.vmid !== undefined && !/^[1-9]\d{2,8}$/.test(params.vmid)) errors.vmid = "invalid format - value does not look like a valid VM ID";
  if (params.node !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(params.node)) {
    errors.node = "invalid format - value does not look like a valid node name";
  }
  const spec = route.params;
  if (spec) {
    for (const name of Object.keys(args)) {
      if (name === "_dc") continue; // ExtJS cache buster, stripped by pveproxy
      if (!spec.allowed.includes(name)) errors[name] = NOT_IN_SCHEMA;
    }
    for (const name of spec.required ?? []) if (args[name] === undefined) errors[name] = "property is missing and it is not optional";
    for (const [name, values] of Object.entries(spec.enums ?? {})) {
      const v = args[name];
      if (v !== undefined && !values.includes(v)) errors[name] = `value '${v}' does not have a value in the enumeration '${values.join(", ")}'`;
    }
    for (const name of spec.integers ?? []) {
      const v = args[name];
      if (v !== undefined && !/^-?\d+$/.test(v)) errors[name] = `type check ('integer') failed - got '${v}'`;
    }
    for (const name of spec.booleans ?? []) {
      const v = args[name];
      if (v !== undefined && !/^(0|1|true|false|yes|no|on|off)$/i.test(v)) errors[name] = `type check ('boolean') failed - got '${v}'`;
    }
  }
  if (Object.keys(errors).length) throw paramError(errors);
}

export const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);
