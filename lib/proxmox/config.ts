/**
 * How a PVE instance (a standalone node or a cluster) is configured, and the small
 * normalisations every client needs: host → origin, user → user@realm, token id.
 */

export interface PveClusterEndpoint {
  nodeName: string;
  /** origin of this member, e.g. `https://10.0.0.12:8006` */
  host: string;
  ip?: string;
  /** this member's own certificate pin (PVE nodes carry per-node certificates) */
  fingerprint?: string;
}

export interface PveInstanceConfig {
  /** instance name: prefix of node/guest/storage ids */
  name: string;
  host: string;
  user?: string;
  password?: string;
  /** `user@realm!tokenid`, or just `tokenid` with `user` set separately */
  tokenName?: string;
  tokenValue?: string;
  fingerprint?: string;
  verifySsl: boolean;
  isCluster?: boolean;
  clusterName?: string;
  clusterEndpoints?: PveClusterEndpoint[];
  monitorVMs?: boolean;
  monitorContainers?: boolean;
  monitorStorage?: boolean;
  /** total per-request timeout; the response-header timeout stays at 10 s unless a call asks otherwise */
  timeoutMs?: number;
}

export const PVE_DEFAULT_PORT = 8006;
export const PVE_DEFAULT_REALM = "pam";

export interface ParsedHost {
  scheme: "https" | "http";
  /** hostname as used in a URL (IPv6 in brackets) */
  hostname: string;
  port: number;
  /** `scheme://hostname:port` */
  origin: string;
}

/**
 * Accepts `pve1`, `pve1:8006`, `https://10.0.0.1`, `[fd00::1]:8006`, `https://pve1:8006/api2/json`…
 * and returns the explicit origin. No scheme → https; no port → 8006 (URL parsing alone would
 * hide an explicit `:443`, so the port is read from the authority text).
 */
export function parseHost(input: string, defaultPort = PVE_DEFAULT_PORT): ParsedHost {
  let rest = input.trim();
  let scheme: "https" | "http" = "https";
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (m) {
    const s = m[1].toLowerCase();
    if (s !== "https" && s !== "http") throw new Error(`unsupported scheme "${m[1]}" in host "${input}"`);
    scheme = s;
    rest = rest.slice(m[0].length);
  }
  const slash = rest.search(/[/?#]/);
  const authority = (slash === -1 ? rest : rest.slice(0, slash)).replace(/^[^@]*@/, "");
  let hostname: string;
  let portText: string | undefined;
  if (authority.startsWith("[")) {
    const end = authority.indexOf("]");
    if (end === -1) throw new Error(`invalid IPv6 host "${input}"`);
    hostname = authority.slice(0, end + 1);
    const after = authority.slice(end + 1);
    if (after.startsWith(":")) portText = after.slice(1);
  } else if ((authority.match(/:/g) ?? []).length > 1) {
    // bare IPv6 without brackets: no port possible
    hostname = `[${authority}]`;
  } else {
    const colon = authority.indexOf(":");
    hostname = colon === -1 ? authority : authority.slice(0, colon);
    if (colon !== -1) portText = authority.slice(colon + 1);
  }
  if (!hostname) throw new Error(`empty host in "${input}"`);
  let port = defaultPort;
  if (portText !== undefined && portText !== "") {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port in host "${input}"`);
  }
  return { scheme, hostname: hostname.toLowerCase(), port, origin: `${scheme}://${hostname.toLowerCase()}:${port}` };
}

/** Same scheme and port as `base`, another address (used for cluster members found by IP). */
export function originWithAddress(base: string, address: string): string {
  const b = parseHost(base);
  const host = address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
  return `${b.scheme}://${host.toLowerCase()}:${b.port}`;
}

/** `root` → `root@pam`; an explicit realm is kept. */
export function withRealm(user: string, realm = PVE_DEFAULT_REALM): string {
  const u = user.trim();
  return u.includes("@") ? u : `${u}@${realm}`;
}

export type PveCredentials =
  | { kind: "token"; tokenId: string; secret: string }
  | { kind: "password"; username: string; password: string };

/**
 * Token wins over password when both are configured (as in Pulse). Returns a reason string
 * when the configuration cannot authenticate at all.
 */
export function resolveCredentials(config: Pick<PveInstanceConfig, "user" | "password" | "tokenName" | "tokenValue">):
  | { ok: true; credentials: PveCredentials }
  | { ok: false; reason: string } {
  const tokenName = config.tokenName?.trim();
  if (tokenName && config.tokenValue) {
    let tokenId: string;
    if (tokenName.includes("!")) {
      const [user, id] = splitOnce(tokenName, "!");
      if (!user || !id) return { ok: false, reason: `invalid token name "${tokenName}"` };
      tokenId = `${withRealm(user)}!${id}`;
    } else {
      if (!config.user?.trim()) return { ok: false, reason: `token name "${tokenName}" needs a user (or use user@realm!tokenid)` };
      tokenId = `${withRealm(config.user)}!${tokenName}`;
    }
    return { ok: true, credentials: { kind: "token", tokenId, secret: config.tokenValue.trim() } };
  }
  if (config.user?.trim() && config.password) {
    return { ok: true, credentials: { kind: "password", username: withRealm(config.user), password: config.password } };
  }
  return { ok: false, reason: "no credentials configured (token name and value, or user and password)" };
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i === -1 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}
