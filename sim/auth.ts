/**
 * pveproxy authentication: API tokens (`Authorization: PVEAPIToken=…`) and tickets
 * (`Cookie: PVEAuthCookie=…` plus `CSRFPreventionToken` on writes), and the privilege check.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError, unauthorized } from "./http";

export interface SimToken {
  /** `user@realm!name` */
  tokenId: string;
  secret: string;
  /** Privileges on all paths ("VM.Audit") or on a path and below ("/vms/100:VM.Audit"). Default: all. */
  privileges?: string[];
}

export interface SimUser {
  /** `user@realm` */
  username: string;
  password: string;
  privileges?: string[];
}

export const DEFAULT_TOKEN: SimToken = { tokenId: "root@pam!pulse", secret: "3f2b8c1e-7d4a-4e9b-a6c5-1d0e9f8a7b6c" };
export const DEFAULT_USER: SimUser = { username: "root@pam", password: "pulse-sim" };

/** A ticket is valid for 2 h (PVE's ticket lifetime); CSRF tokens share the limit. */
const TICKET_LIFETIME_S = 7200;

export interface Principal {
  userid: string;
  tokenid?: string;
  /** Distinguishes privilege sets for per-principal response caches ("*" = unrestricted). */
  cacheKey: string;
  viaTicket: boolean;
  can(path: string, priv: string): boolean;
}

const FULL = (_path: string, _priv: string) => true;

function privilegeCheck(list: string[] | undefined): (path: string, priv: string) => boolean {
  if (list === undefined) return FULL;
  const global = new Set<string>();
  const scoped = new Map<string, string[]>();
  for (const entry of list) {
    const sep = entry.startsWith("/") ? entry.lastIndexOf(":") : -1;
    if (sep < 0) {
      global.add(entry);
      continue;
    }
    const path = entry.slice(0, sep).replace(/\/+$/, "") || "/";
    const priv = entry.slice(sep + 1);
    if (path === "/") global.add(priv);
    else scoped.set(priv, [...(scoped.get(priv) ?? []), path]);
  }
  return (path, priv) => {
    if (global.has(priv)) return true;
    const paths = scoped.get(priv);
    return !!paths && paths.some((p) => path === p || path.startsWith(`${p}/`));
  };
}

interface AuthOptions {
  tokens: SimToken[];
  users: SimUser[];
  /** Simulated clock, epoch seconds. */
  now: () => number;
  clusterName: string | null;
}

export class Auth {
  private readonly tokens = new Map<string, { secret: string; principal: Principal }>();
  private readonly users = new Map<string, SimUser & { check: (path: string, priv: string) => boolean }>();
  private readonly key = randomBytes(32);
  private readonly tokenCache = new Map<string, Principal>();

  constructor(private readonly opts: AuthOptions) {
    for (const t of opts.tokens) {
      const [userid, tokenid] = t.tokenId.split("!");
      if (!userid?.includes("@") || !tokenid) throw new Error(`token id must look like user@realm!name: ${t.tokenId}`);
      this.tokens.set(t.tokenId, {
        secret: t.secret,
        principal: { userid, tokenid, cacheKey: t.privileges ? `token:${t.tokenId}` : "*", viaTicket: false, can: privilegeCheck(t.privileges) },
      });
    }
    for (const u of opts.users) this.users.set(u.username, { ...u, check: privilegeCheck(u.privileges) });
  }

  /** Resolves the caller or throws the 401 pveproxy would send (the caller applies the delay). */
  authenticate(headers: IncomingHttpHeaders, method: string): Principal {
    const authz = headers.authorization;
    if (authz && /^PVEAPIToken[= ]/.test(authz)) return this.fromToken(authz);
    const ticket = readCookie(headers.cookie, "PVEAuthCookie");
    if (ticket === undefined) throw unauthorized("No ticket");
    const principal = this.verifyTicket(ticket);
    if (!principal) throw unauthorized("authentication failure");
    if (method !== "GET" && method !== "HEAD") {
      const csrf = headers.csrfpreventiontoken;
      if (typeof csrf !== "string" || !this.verifyCsrf(csrf, principal.userid)) {
        throw unauthorized("Permission denied - invalid csrf token");
      }
    }
    return principal;
  }

  private fromToken(header: string): Principal {
    const hit = this.tokenCache.get(header);
    if (hit) return hit;
    let value: string;
    try {
      value = decodeURIComponent(header.slice("PVEAPIToken".length + 1).trim());
    } catch {
      throw unauthorized("authentication failure");
    }
    const eq = value.indexOf("=");
    const entry = eq > 0 ? this.tokens.get(value.slice(0, eq)) : undefined;
    if (!entry || !safeEqual(entry.secret, value.slice(eq + 1))) throw unauthorized("authentication failure");
    if (this.tokenCache.size > 1000) this.tokenCache.clear();
    this.tokenCache.set(header, entry.principal);
    return entry.principal;
  }

  /** POST /access/ticket. `password` may also be a still-valid ticket of the same user (renewal). */
  createTicket(params: Record<string, string>): Record<string, unknown> {
    const fail = () => new ApiError(401, "authentication failure");
    let username = params.username ?? "";
    if (params.realm && !username.includes("@")) username = `${username}@${params.realm}`;
    const user = this.users.get(username);
    if (!user) throw fail();
    const password = params.password ?? "";
    const renewed = password.startsWith("PVE:") ? this.verifyTicket(password) : undefined;
    if (!(renewed && renewed.userid === username) && !safeEqual(user.password, password)) throw fail();
    const time = this.opts.now().toString(16).toUpperCase().padStart(8, "0");
    const plain = `PVE:${username}:${time}`;
    const result: Record<string, unknown> = {
      username,
      ticket: `${plain}::${this.sign(plain)}`,
      CSRFPreventionToken: `${time}:${this.sign(`${time}:${username}`).replace(/=+$/, "")}`,
      cap: capabilities(user.check),
    };
    if (this.opts.clusterName) result.clustername = this.opts.clusterName;
    return result;
  }

  private verifyTicket(ticket: string): Principal | undefined {
    const m = /^PVE:([^:]+):([0-9A-F]{8})::(.+)$/.exec(ticket);
    if (!m) return undefined;
    const [, userid, time, sig] = m;
    if (!safeEqual(this.sign(`PVE:${userid}:${time}`), sig)) return undefined;
    const age = this.opts.now() - parseInt(time, 16);
    if (age > TICKET_LIFETIME_S || age < -300) return undefined;
    const user = this.users.get(userid);
    if (!user) return undefined;
    return { userid, cacheKey: user.privileges ? `user:${userid}` : "*", viaTicket: true, can: user.check };
  }

  private verifyCsrf(token: string, userid: string): boolean {
    const m = /^([0-9A-F]{8}):(.+)$/.exec(token);
    if (!m) return false;
    const age = this.opts.now() - parseInt(m[1], 16);
    if (age > TICKET_LIFETIME_S || age < -300) return false;
    return safeEqual(this.sign(`${m[1]}:${userid}`).replace(/=+$/, ""), m[2]);
  }

  private sign(text: string): string {
    return createHmac("sha256", this.key).update(text).digest("base64");
  }
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** The `cap` object of the login answer: what the GUI may show, per privilege group. */
function capabilities(can: (path: string, priv: string) => boolean): Record<string, Record<string, 1>> {
  const groups: Record<string, [string, string[]]> = {
    vms: ["/vms", ["VM.Audit", "VM.PowerMgmt", "VM.Console", "VM.Config.Options", "VM.Snapshot", "VM.Backup", "VM.Monitor", "VM.GuestAgent.Audit"]],
    storage: ["/storage", ["Datastore.Audit", "Datastore.AllocateSpace", "Datastore.Allocate"]],
    nodes: ["/nodes", ["Sys.Audit", "Sys.Syslog", "Sys.Console", "Sys.PowerMgmt", "Sys.Modify"]],
    access: ["/access", ["User.Modify", "Group.Allocate", "Permissions.Modify"]],
    dc: ["/", ["Sys.Audit", "SDN.Audit", "Sys.Modify"]],
    sdn: ["/sdn", ["SDN.Audit", "SDN.Use"]],
    mapping: ["/mapping", ["Mapping.Audit", "Mapping.Use"]],
  };
  const cap: Record<string, Record<string, 1>> = {};
  for (const [group, [path, privs]] of Object.entries(groups)) {
    cap[group] = {};
    for (const p of privs) if (can(path, p)) cap[group][p] = 1;
  }
  return cap;
}
