/**
 * Guest addresses and tags: from the QEMU agent, from LXC `net*` config lines and from
 * the LXC `interfaces` call.
 */
import type { PveAgentNetworkInterface, PveLxcConfig, PveLxcInterface } from "../proxmox/schemas";
import type { GuestNetworkInterface } from "../state/models";

/** PVE tags are `;`-separated (older releases also `,` or spaces); Pulse emits them comma-joined. */
export function normalizeTags(tags: string | undefined): string | undefined {
  if (!tags) return undefined;
  const list = tags
    .split(/[;,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  return list.length ? list.join(",") : undefined;
}

/** Usable address or undefined: strips prefix/zone, drops loopback, link-local and placeholders. */
export function cleanAddress(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let a = raw.trim();
  const slash = a.indexOf("/");
  if (slash > 0) a = a.slice(0, slash);
  const zone = a.indexOf("%");
  if (zone > 0) a = a.slice(0, zone);
  const lower = a.toLowerCase();
  if (!a || ["dhcp", "manual", "static", "auto", "none", "n/a", "unknown", "0.0.0.0", "::"].includes(lower)) return undefined;
  if (lower.startsWith("127.") || lower === "::1" || lower.startsWith("fe80") || lower.startsWith("169.254.")) return undefined;
  if (!/^[0-9a-f:.]+$/i.test(a)) return undefined;
  return a;
}

function pushUnique(list: string[], value: string | undefined): void {
  if (value && !list.includes(value)) list.push(value);
}

export interface GuestAddresses {
  ipAddresses: string[];
  networkInterfaces: GuestNetworkInterface[];
}

export function fromAgentInterfaces(ifaces: readonly PveAgentNetworkInterface[]): GuestAddresses {
  const ipAddresses: string[] = [];
  const networkInterfaces: GuestNetworkInterface[] = [];
  for (const i of ifaces) {
    if (i.name === "lo" || i.name.toLowerCase().startsWith("loopback")) continue;
    const addresses: string[] = [];
    for (const a of i["ip-addresses"]) pushUnique(addresses, cleanAddress(a["ip-address"]));
    for (const a of addresses) pushUnique(ipAddresses, a);
    networkInterfaces.push({
      name: i.name,
      mac: i["hardware-address"] ?? "",
      addresses,
      rxBytes: i.statistics["rx-bytes"],
      txBytes: i.statistics["tx-bytes"],
    });
  }
  return { ipAddresses, networkInterfaces };
}

/** `net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:…,ip=10.0.10.53/24,ip6=…` */
export function fromLxcConfig(config: PveLxcConfig): GuestAddresses {
  const ipAddresses: string[] = [];
  const networkInterfaces: GuestNetworkInterface[] = [];
  const keys = Object.keys(config)
    .filter((k) => /^net\d+$/.test(k))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  for (const key of keys) {
    let name = key;
    let mac = "";
    const addresses: string[] = [];
    for (const part of config[key].split(",")) {
      const eq = part.indexOf("=");
      if (eq === -1) continue;
      const k = part.slice(0, eq).trim().toLowerCase();
      const v = part.slice(eq + 1).trim();
      if (k === "name") name = v;
      else if (k === "hwaddr") mac = v.toUpperCase();
      else if (k === "ip" || k === "ip6") pushUnique(addresses, cleanAddress(v));
    }
    for (const a of addresses) pushUnique(ipAddresses, a);
    networkInterfaces.push({ name, mac, addresses, rxBytes: 0, txBytes: 0 });
  }
  return { ipAddresses, networkInterfaces };
}

export function fromLxcInterfaces(ifaces: readonly PveLxcInterface[]): GuestAddresses {
  const ipAddresses: string[] = [];
  const networkInterfaces: GuestNetworkInterface[] = [];
  for (const i of ifaces) {
    if (i.name === "lo") continue;
    const addresses: string[] = [];
    pushUnique(addresses, cleanAddress(i.inet));
    pushUnique(addresses, cleanAddress(i.inet6));
    for (const a of i["ip-addresses"]) pushUnique(addresses, cleanAddress(a["ip-address"]));
    for (const a of addresses) pushUnique(ipAddresses, a);
    networkInterfaces.push({ name: i.name, mac: i.hwaddr ?? "", addresses, rxBytes: 0, txBytes: 0 });
  }
  return { ipAddresses, networkInterfaces };
}
