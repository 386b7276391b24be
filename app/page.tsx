import { redirect } from "next/navigation";
import { ApiError } from "@/lib/api/errors";
import { authorize, type Principal } from "@/lib/auth/authorize";
import { getPublishedState } from "@/lib/state/store";
import type { Container, Node, VM } from "@/lib/state/models";
import { pageRequest } from "./_lib/server-auth";
import { AutoRefresh } from "./_components/auto-refresh";
import { SignOutButton } from "./_components/sign-out-button";
import { formatBytes, formatPercent, formatRate, formatUptime } from "./_components/format";

export const dynamic = "force-dynamic";

/**
 * The overview needs what `/api/state` needs: a session, or a read-only `?token=` (kiosk).
 * Signed in without the right (a user with no role yet) is told so instead of being sent
 * back to the login page, which would send them here again.
 */
async function requireViewer(token: string | undefined): Promise<{ viewer: Principal } | { denied: string }> {
  const request = await pageRequest(`/api/state${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  try {
    return { viewer: await authorize(request, "GET /api/state") };
  } catch (err) {
    if (err instanceof ApiError && err.code === "setup_required") redirect("/setup");
    if (err instanceof ApiError && err.status === 403) return { denied: err.message };
    redirect("/login");
  }
}

function NoAccess({ message }: { message: string }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="max-w-md rounded-xl border border-gray-200 bg-white p-8 text-sm shadow-sm dark:border-gray-800 dark:bg-gray-900" data-testid="no-access">
        <h1 className="mb-2 text-xl font-semibold">No access to monitoring data</h1>
        <p className="mb-6 text-gray-600 dark:text-gray-400">{message}. Ask an administrator to assign you a role.</p>
        <SignOutButton />
      </div>
    </main>
  );
}

function Bar({ value }: { value: number }) {
  const v = Math.max(0, Math.min(100, value));
  const color = v >= 90 ? "bg-red-500" : v >= 80 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div className="flex items-center gap-2">
      <div className="h-2 w-20 rounded bg-gray-200 dark:bg-gray-800">
        <div className={`h-2 rounded ${color}`} style={{ width: `${v}%` }} />
      </div>
      <span className="tabular-nums text-xs">{formatPercent(v)}</span>
    </div>
  );
}

function NodeRow({ n }: { n: Node }) {
  return (
    <tr className="border-t border-gray-200 dark:border-gray-800" data-testid="node-row" data-node={n.node}>
      <td className="px-3 py-2 font-medium">{n.name}</td>
      <td className="px-3 py-2">{n.status}</td>
      <td className="px-3 py-2" data-testid="node-cpu"><Bar value={n.cpu * 100} /></td>
      <td className="px-3 py-2"><Bar value={n.memory?.usage ?? 0} /></td>
      <td className="px-3 py-2"><Bar value={n.disk?.usage ?? 0} /></td>
      <td className="px-3 py-2">{formatUptime(n.uptime)}</td>
      <td className="px-3 py-2 text-xs text-gray-500">{n.pveVersion}</td>
    </tr>
  );
}

function GuestRow({ g }: { g: VM | Container }) {
  const disk = g.disk && g.disk.usage >= 0 ? formatPercent(g.disk.usage) : g.disk ? `${formatBytes(g.disk.total)} alloc.` : "-";
  return (
    <tr className="border-t border-gray-200 dark:border-gray-800" data-testid="guest-row" data-guest={g.id}>
      <td className="px-3 py-2 tabular-nums">{g.vmid}</td>
      <td className="px-3 py-2 font-medium">{g.name}</td>
      <td className="px-3 py-2">{g.type === "qemu" ? "VM" : "LXC"}</td>
      <td className="px-3 py-2">{g.status}{g.lock ? ` (${g.lock})` : ""}</td>
      <td className="px-3 py-2">{g.node}</td>
      <td className="px-3 py-2" data-testid="guest-cpu"><Bar value={g.cpu * 100} /></td>
      <td className="px-3 py-2"><Bar value={g.memory?.usage ?? 0} /></td>
      <td className="px-3 py-2 text-xs">{disk}</td>
      <td className="px-3 py-2 text-xs tabular-nums">{formatRate(g.diskRead)} / {formatRate(g.diskWrite)}</td>
      <td className="px-3 py-2 text-xs tabular-nums">{formatRate(g.networkIn)} / {formatRate(g.networkOut)}</td>
      <td className="px-3 py-2 text-xs">{formatUptime(g.uptime)}</td>
      <td className="px-3 py-2 text-xs">{g.tags ?? ""}</td>
    </tr>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const access = await requireViewer(token);
  if ("denied" in access) return <NoAccess message={access.denied} />;
  const { viewer } = access;
  const { state } = await getPublishedState();
  const guests = [...state.vms, ...state.containers].sort((a, b) => a.vmid - b.vmid);
  return (
    <main className="p-4 sm:p-8">
      <AutoRefresh seconds={5} />
      <header className="mb-6 flex flex-wrap items-baseline gap-4">
        <h1 className="text-2xl font-semibold">Pulse</h1>
        {state.isDemo && (
          <span className="rounded bg-amber-100 px-2 py-0.5 text-sm text-amber-900" data-testid="demo-badge">
            Demo cluster (simulated) — add a Proxmox node to monitor your own
          </span>
        )}
        <span className="text-sm text-gray-500" data-testid="last-update">
          {state.lastUpdate ? `Updated ${new Date(state.lastUpdate).toLocaleTimeString()}` : "Waiting for the first poll…"}
        </span>
        {viewer.kind === "user" && (
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="text-gray-600 dark:text-gray-400" data-testid="signed-in-user">{viewer.username}</span>
            {viewer.method === "session" && <SignOutButton />}
          </div>
        )}
      </header>

      <section className="mb-8 overflow-x-auto">
        <h2 className="mb-2 text-lg font-semibold">Nodes ({state.nodes.length})</h2>
        <table className="min-w-full text-left text-sm">
          <thead className="text-xs uppercase text-gray-500">
            <tr><th className="px-3 py-2">Node</th><th className="px-3 py-2">Status</th><th className="px-3 py-2">CPU</th><th className="px-3 py-2">Memory</th><th className="px-3 py-2">Disk</th><th className="px-3 py-2">Uptime</th><th className="px-3 py-2">Version</th></tr>
          </thead>
          <tbody>{state.nodes.map((n) => <NodeRow key={n.id} n={n} />)}</tbody>
        </table>
      </section>

      <section className="overflow-x-auto">
        <h2 className="mb-2 text-lg font-semibold">Guests ({guests.length})</h2>
        <table className="min-w-full text-left text-sm">
          <thead className="text-xs uppercase text-gray-500">
            <tr><th className="px-3 py-2">ID</th><th className="px-3 py-2">Name</th><th className="px-3 py-2">Type</th><th className="px-3 py-2">Status</th><th className="px-3 py-2">Node</th><th className="px-3 py-2">CPU</th><th className="px-3 py-2">Memory</th><th className="px-3 py-2">Disk</th><th className="px-3 py-2">Disk R/W</th><th className="px-3 py-2">Net in/out</th><th className="px-3 py-2">Uptime</th><th className="px-3 py-2">Tags</th></tr>
          </thead>
          <tbody>{guests.map((g) => <GuestRow key={g.id} g={g} />)}</tbody>
        </table>
      </section>
    </main>
  );
}
