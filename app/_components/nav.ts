/**
 * The top bar's sections. A page that lands adds its entry here; the shell shows them in
 * this order (Pulse's Proxmox tabs: Overview, Storage, Backups, Ceph, Replication, Mail).
 */
export interface NavItem {
  href: string;
  label: string;
  /** also active on these path prefixes */
  match?: string[];
}

export const NAV_SECTIONS: { label: string; items: NavItem[] }[] = [
  {
    label: "Proxmox",
    items: [
      { href: "/", label: "Overview" },
      { href: "/storage", label: "Storage" },
    ],
  },
];

/** Paths that render without the shell (no session yet, nothing live to show). */
export const BARE_PATHS = ["/login", "/setup", "/simple-stats"];

export function isActive(item: NavItem, pathname: string): boolean {
  if (item.href === "/") return pathname === "/";
  return [item.href, ...(item.match ?? [])].some((p) => pathname === p || pathname.startsWith(`${p}/`));
}
