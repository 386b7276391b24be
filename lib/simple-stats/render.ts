/**
 * `/simple-stats`: Pulse's lightweight status page — plain HTML, no scripts, reloading
 * itself every few seconds, for wall displays and old browsers. Every value from the state
 * is escaped: guest, node and storage names are chosen by whoever runs the cluster.
 */
import type { Container, Node, StateFrontend, VM } from "../state/models";
import { groupStoragePools } from "../state/storage-pools";

export const REFRESH_SECONDS = 10;
const TOP_GUESTS = 10;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function bytes(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return "0 B";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  const i = Math.min(units.length - 1, Math.floor(Math.log(n) / Math.log(1024)));
  return `${(n / 1024 ** i).toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

const pct = (v: number | undefined) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? `${v.toFixed(1)}%` : "–");

/** A percentage cell with a bar; the level class colours it from 80 % and 90 %. */
function meter(v: number | undefined): string {
  const value = typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.min(100, v) : undefined;
  if (value === undefined) return `<td class="num">–</td>`;
  const level = value >= 90 ? " crit" : value >= 80 ? " warn" : "";
  return `<td class="num"><span class="bar${level}"><span style="width:${value.toFixed(1)}%"></span></span> ${pct(v)}</td>`;
}

function page(title: string, body: string, refresh: boolean): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n` : ""}<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
:root{color-scheme:light dark;--fg:#111827;--muted:#6b7280;--bg:#f9fafb;--card:#fff;--line:#e5e7eb;--ok:#10b981;--warn:#f59e0b;--crit:#ef4444}
@media (prefers-color-scheme:dark){:root{--fg:#f3f4f6;--muted:#9ca3af;--bg:#030712;--card:#111827;--line:#1f2937}}
*{box-sizing:border-box}body{margin:0;padding:16px;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 8px}p{margin:0}.muted{color:var(--muted)}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}.count{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.count b{display:block;font-size:20px}.wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%}th,td{padding:6px 10px;text-align:left;border-top:1px solid var(--line);white-space:nowrap}
thead th{border-top:0;font-size:12px;text-transform:uppercase;color:var(--muted)}.num{font-variant-numeric:tabular-nums}
.bar{display:inline-block;width:60px;height:8px;border-radius:4px;background:var(--line);vertical-align:middle;overflow:hidden}
.bar span{display:block;height:100%;background:var(--ok)}.bar.warn span{background:var(--warn)}.bar.crit span{background:var(--crit)}
.offline{color:var(--crit)}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page for callers who may not see the data (401, or 403 when signed in without the right): no state in it. */
export function renderSignInRequired(message: string, forbidden = false): string {
  const heading = forbidden ? "No access to monitoring data" : "Sign-in required";
  return page(
    `Pulse – ${heading.toLowerCase()}`,
    `<h1>${heading}</h1>
<p>${escapeHtml(message)}</p>
<p class="muted">Sign in to Pulse in this browser, or open this page with <code>?token=</code> and an API token that has the <code>monitoring:read</code> scope.</p>
<p><a href="/login">Sign in</a></p>`,
    false,
  );
}

function nodeRow(n: Node): string {
  const online = n.status === "online";
  return `<tr data-node="${escapeHtml(n.node)}"><td>${escapeHtml(n.displayName || n.name)}</td><td class="${online ? "" : "offline"}">${escapeHtml(n.status)}</td>${meter(online ? n.cpu * 100 : undefined)}${meter(online ? n.memory?.usage : undefined)}${meter(online ? n.disk?.usage : undefined)}</tr>`;
}

function guestRow(g: VM | Container): string {
  return `<tr><td>${escapeHtml(g.name)}</td><td class="num">${escapeHtml(g.vmid)}</td><td>${g.type === "qemu" ? "VM" : "LXC"}</td><td>${escapeHtml(g.node)}</td>${meter(g.cpu * 100)}${meter(g.memory?.usage)}</tr>`;
}

export function renderSimpleStats(state: StateFrontend, now = Date.now()): string {
  const nodes = state.nodes ?? [];
  const guests = [...(state.vms ?? []), ...(state.containers ?? [])].filter((g) => !g.template);
  const running = guests.filter((g) => g.status === "running");
  const online = nodes.filter((n) => n.status === "online").length;
  const top = [...running].sort((a, b) => b.cpu - a.cpu || a.vmid - b.vmid).slice(0, TOP_GUESTS);
  const pools = groupStoragePools(state.storage ?? []).sort((a, b) => b.usage - a.usage || a.name.localeCompare(b.name));
  const updated = state.lastUpdate ? new Date(state.lastUpdate).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "waiting for the first poll";
  const ageSeconds = state.lastUpdate ? Math.max(0, Math.round((now - state.lastUpdate) / 1000)) : undefined;

  const body = `<h1>Pulse</h1>
<p class="muted">Updated ${escapeHtml(updated)}${ageSeconds !== undefined ? ` (${ageSeconds} s ago)` : ""}${state.isDemo ? " · demo cluster" : ""} · refreshes every ${REFRESH_SECONDS} s</p>
<div class="counts">
<div class="count" id="nodes-count"><b>${online}/${nodes.length}</b>nodes online</div>
<div class="count" id="guests-count"><b>${running.length}/${guests.length}</b>guests running</div>
<div class="count"><b>${(state.vms ?? []).filter((g) => g.status === "running" && !g.template).length}</b>VMs running</div>
<div class="count"><b>${(state.containers ?? []).filter((g) => g.status === "running" && !g.template).length}</b>containers running</div>
</div>
<h2>Nodes</h2>
<div class="wrap"><table id="nodes"><thead><tr><th>Node</th><th>Status</th><th>CPU</th><th>Memory</th><th>Disk</th></tr></thead><tbody>
${nodes.map(nodeRow).join("\n") || `<tr><td colspan="5" class="muted">No nodes yet</td></tr>`}
</tbody></table></div>
<h2>Top guests by CPU</h2>
<div class="wrap"><table id="top-guests"><thead><tr><th>Guest</th><th>ID</th><th>Type</th><th>Node</th><th>CPU</th><th>Memory</th></tr></thead><tbody>
${top.map(guestRow).join("\n") || `<tr><td colspan="6" class="muted">No running guests</td></tr>`}
</tbody></table></div>
<h2>Storage</h2>
<div class="wrap"><table id="storage"><thead><tr><th>Storage</th><th>Nodes</th><th>Type</th><th>Usage</th><th>Used</th><th>Total</th></tr></thead><tbody>
${
  pools
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.nodes.join(", "))}</td><td>${escapeHtml(p.type)}</td>${meter(p.total > 0 ? p.usage : undefined)}<td class="num">${bytes(p.used)}</td><td class="num">${bytes(p.total)}</td></tr>`,
    )
    .join("\n") || `<tr><td colspan="6" class="muted">No storage yet</td></tr>`
}
</tbody></table></div>`;
  return page("Pulse – status", body, true);
}
