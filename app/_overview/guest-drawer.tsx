"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { guestIps, guestOs, guestTags, typeLabel, type Guest } from "@/lib/dashboard/guest-query";
import type { VM } from "@/lib/state/models";
import { formatBytes, formatRateShort, formatUptime } from "../_components/format";
import { apiJson, errorMessage } from "../_lib/api-client";
import { DISK_REASON } from "./guest-table";
import { LockBadge, StatusDot, TagChip, UsageBar } from "./primitives";

export interface GuestMetadata {
  id: string;
  customUrl?: string;
  description?: string;
  tags?: string[];
  notes?: string[];
}

function metadataPath(id: string, token?: string): string {
  return `/api/guests/metadata/${encodeURIComponent(id)}${token ? `?token=${encodeURIComponent(token)}` : ""}`;
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="border-t border-gray-100 px-5 py-4 dark:border-white/5" data-testid={testId}>
      <h3 className="mb-2.5 text-[11px] font-semibold uppercase tracking-wider text-gray-400 dark:text-gray-500">{title}</h3>
      {children}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] text-gray-500 dark:text-gray-400">{label}</dt>
      <dd className="break-words text-sm font-medium text-gray-900 dark:text-gray-100">{children}</dd>
    </div>
  );
}

const inputClass =
  "w-full rounded-lg border border-gray-200 bg-white px-3 py-2 text-sm shadow-sm outline-none placeholder:text-gray-400 focus:border-teal-500 focus:ring-2 focus:ring-teal-500/25 disabled:bg-gray-50 dark:border-white/10 dark:bg-gray-950 dark:disabled:bg-white/5";

function MetadataEditor({ guestId, canWrite, token }: { guestId: string; canWrite: boolean; token?: string }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ["guest-metadata", guestId],
    queryFn: async () => {
      const res = await apiJson<GuestMetadata>(metadataPath(guestId, token));
      if (!res.ok) throw new Error(errorMessage(res.data, "Could not load notes"));
      return res.data;
    },
  });
  const [url, setUrl] = useState("");
  const [notes, setNotes] = useState<string[]>([]);
  const [newNote, setNewNote] = useState("");
  const [saved, setSaved] = useState(false);
  const loaded = query.data;

  useEffect(() => {
    if (!loaded) return;
    setUrl(loaded.customUrl ?? "");
    setNotes(loaded.notes ?? []);
  }, [loaded]);

  const save = useMutation({
    mutationFn: async (body: { customUrl: string; notes: string[] }) => {
      const res = await apiJson<GuestMetadata>(metadataPath(guestId), { method: "PUT", body });
      if (!res.ok) throw new Error(errorMessage(res.data, "Could not save"));
      return res.data;
    },
    onSuccess: (data) => {
      queryClient.setQueryData(["guest-metadata", guestId], data);
      void queryClient.invalidateQueries({ queryKey: ["guest-metadata-all"] });
      setSaved(true);
    },
  });

  const pendingNote = newNote.trim();
  const dirty = Boolean(loaded) && (url !== (loaded?.customUrl ?? "") || JSON.stringify(notes) !== JSON.stringify(loaded?.notes ?? []) || pendingNote !== "");

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const all = pendingNote ? [...notes, pendingNote] : notes;
    setNotes(all);
    setNewNote("");
    setSaved(false);
    save.mutate({ customUrl: url.trim(), notes: all });
  }

  if (query.isPending) return <p className="text-sm text-gray-500">Loading…</p>;
  if (query.isError) return <p className="text-sm text-red-600 dark:text-red-400">{query.error.message}</p>;

  if (!canWrite) {
    return (
      <div className="space-y-2 text-sm" data-testid="metadata-readonly">
        {loaded?.customUrl && (
          <a href={loaded.customUrl} target="_blank" rel="noopener noreferrer" className="break-all text-teal-700 hover:underline dark:text-teal-300">
            {loaded.customUrl}
          </a>
        )}
        {(loaded?.notes ?? []).map((n, i) => (
          <p key={i} className="whitespace-pre-wrap rounded-lg bg-gray-50 px-3 py-2 dark:bg-white/5" data-testid="note-item">
            {n}
          </p>
        ))}
        {!loaded?.customUrl && !(loaded?.notes ?? []).length && <p className="text-gray-500 dark:text-gray-400">No notes.</p>}
      </div>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="metadata-editor">
      <label className="block">
        <span className="mb-1 block text-xs font-medium text-gray-600 dark:text-gray-300">Custom URL</span>
        <input
          type="url"
          inputMode="url"
          value={url}
          placeholder="https://web01.lan:8443"
          onChange={(e) => {
            setUrl(e.target.value);
            setSaved(false);
          }}
          className={inputClass}
          data-testid="metadata-url"
        />
      </label>
      <div>
        <span className="mb-1 block text-xs font-medium text-gray-600 dark:text-gray-300">Notes</span>
        <ul className="mb-2 space-y-1.5">
          {notes.map((n, i) => (
            <li key={i} className="group flex items-start gap-2 rounded-lg bg-gray-50 px-3 py-2 text-sm dark:bg-white/5" data-testid="note-item">
              <span className="min-w-0 flex-1 whitespace-pre-wrap break-words">{n}</span>
              <button
                type="button"
                aria-label="Remove note"
                title="Remove note"
                onClick={() => {
                  setNotes(notes.filter((_, j) => j !== i));
                  setSaved(false);
                }}
                className="shrink-0 rounded p-0.5 text-gray-400 hover:bg-gray-200 hover:text-gray-700 dark:hover:bg-white/10 dark:hover:text-gray-200"
              >
                <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" aria-hidden>
                  <path d="M4 4l8 8M12 4l-8 8" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
        <textarea
          value={newNote}
          rows={2}
          placeholder="Add a note…"
          onChange={(e) => {
            setNewNote(e.target.value);
            setSaved(false);
          }}
          className={`${inputClass} resize-y`}
          data-testid="note-input"
        />
      </div>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={!dirty || save.isPending}
          className="rounded-lg bg-teal-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-teal-700 disabled:cursor-not-allowed disabled:opacity-50"
          data-testid="metadata-save"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <span role="status" className="text-sm" data-testid="metadata-status">
          {save.isError ? <span className="text-red-600 dark:text-red-400">{save.error.message}</span> : saved && !dirty ? <span className="text-emerald-600 dark:text-emerald-400">Saved</span> : null}
        </span>
      </div>
    </form>
  );
}

/** Details of one guest in a side drawer; Esc or × closes it. */
export function GuestDrawer({ guest, link, canWrite, token, onClose, onTag }: { guest: Guest; link?: string; canWrite: boolean; token?: string; onClose: () => void; onTag: (tag: string) => void }) {
  const panelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);
  useEffect(() => {
    panelRef.current?.focus({ preventScroll: true });
  }, [guest.id]);

  const g = guest;
  const vm = g.type === "qemu" ? (g as VM) : undefined;
  const running = g.status === "running";
  const tags = guestTags(g);
  const ips = guestIps(g);
  const m = g.memory;

  return (
    <>
      <div className="fixed inset-0 z-40 bg-gray-950/30 backdrop-blur-[1px] lg:hidden" onClick={onClose} aria-hidden />
      <aside
        ref={panelRef}
        tabIndex={-1}
        role="dialog"
        aria-modal="false"
        aria-labelledby="guest-drawer-title"
        data-testid="guest-drawer"
        data-guest={g.id}
        className="fixed inset-y-0 right-0 z-50 flex w-full max-w-[460px] flex-col border-l border-gray-200 bg-white shadow-2xl outline-none sm:w-[460px] dark:border-white/10 dark:bg-gray-900"
      >
        <header className="flex items-start gap-3 px-5 pb-4 pt-5">
          <div className="min-w-0 flex-1">
            <div className="flex items-center gap-2">
              <StatusDot status={g.status} className="h-2.5 w-2.5" />
              <h2 id="guest-drawer-title" className="truncate text-lg font-semibold">
                {g.name}
              </h2>
              {g.lock && <LockBadge lock={g.lock} />}
            </div>
            <p className="mt-0.5 text-sm text-gray-500 dark:text-gray-400">
              {typeLabel(g)} {g.vmid} on {g.node} · <span className="capitalize">{g.status}</span>
              {running ? ` · up ${formatUptime(g.uptime)}` : ""}
            </p>
            {link && (
              <a href={link} target="_blank" rel="noopener noreferrer" className="mt-1 inline-block max-w-full truncate text-sm font-medium text-teal-700 hover:underline dark:text-teal-300" data-testid="drawer-link">
                {link.replace(/^https?:\/\//, "")} ↗
              </a>
            )}
          </div>
          <button
            type="button"
            onClick={onClose}
            aria-label="Close details"
            data-testid="drawer-close"
            className="rounded-lg p-1.5 text-gray-500 hover:bg-gray-100 hover:text-gray-900 dark:hover:bg-white/10 dark:hover:text-white"
          >
            <svg viewBox="0 0 20 20" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" aria-hidden>
              <path d="M5 5l10 10M15 5L5 15" />
            </svg>
          </button>
        </header>

        <div className="flex-1 overflow-y-auto overscroll-contain">
          <Section title="Usage">
            <div className="grid grid-cols-3 gap-4">
              <div>
                <div className="mb-1 text-xs text-gray-500 dark:text-gray-400">CPU</div>
                {running ? <UsageBar percent={g.cpu * 100} /> : <span className="text-sm text-gray-400">—</span>}
                <div className="mt-1 text-[11px] text-gray-500 dark:text-gray-400">{g.cpus} vCPU</div>
              </div>
              <div>
                <div className="mb-1 text-xs text-gray-500 dark:text-gray-400">Memory</div>
                {m && running ? <UsageBar percent={m.usage} /> : <span className="text-sm text-gray-400">—</span>}
                <div className="mt-1 text-[11px] text-gray-500 dark:text-gray-400">{m ? `${formatBytes(m.used)} / ${formatBytes(m.total)}` : ""}</div>
              </div>
              <div>
                <div className="mb-1 text-xs text-gray-500 dark:text-gray-400">Disk</div>
                {g.disk && g.disk.usage >= 0 ? <UsageBar percent={g.disk.usage} /> : <span className="text-sm text-gray-400">—</span>}
                <div className="mt-1 text-[11px] text-gray-500 dark:text-gray-400">
                  {g.disk ? (g.disk.usage >= 0 ? `${formatBytes(g.disk.used)} / ${formatBytes(g.disk.total)}` : `${formatBytes(g.disk.total)} allocated`) : ""}
                </div>
              </div>
            </div>
            {m && (m.balloon || m.swapTotal) ? (
              <p className="mt-3 text-xs text-gray-500 dark:text-gray-400">
                {m.balloon ? `Balloon ${formatBytes(m.balloon)}` : ""}
                {m.balloon && m.swapTotal ? " · " : ""}
                {m.swapTotal ? `Swap ${formatBytes(m.swapUsed ?? 0)} of ${formatBytes(m.swapTotal)}` : ""}
              </p>
            ) : null}
            {g.disk && g.disk.usage < 0 && vm?.diskStatusReason && (
              <p className="mt-3 rounded-lg bg-gray-50 px-3 py-2 text-xs text-gray-600 dark:bg-white/5 dark:text-gray-300" data-testid="disk-reason">
                Disk usage unknown: {DISK_REASON[vm.diskStatusReason] ?? vm.diskStatusReason}.
              </p>
            )}
            <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Fact label="Disk read">{formatRateShort(g.diskRead)}</Fact>
              <Fact label="Disk write">{formatRateShort(g.diskWrite)}</Fact>
              <Fact label="Net in">{formatRateShort(g.networkIn)}</Fact>
              <Fact label="Net out">{formatRateShort(g.networkOut)}</Fact>
            </dl>
          </Section>

          <Section title="Details">
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3">
              <Fact label="ID">
                <span className="font-mono text-xs" data-testid="drawer-guest-id">{g.id}</span>
              </Fact>
              <Fact label="Node">{g.node}</Fact>
              <Fact label="Status">
                <span className="capitalize">{g.status}</span>
              </Fact>
              <Fact label="Uptime">{running ? formatUptime(g.uptime) : "—"}</Fact>
              <Fact label="Operating system">{guestOs(g) || "—"}</Fact>
              {vm && <Fact label="Guest agent">{vm.agentVersion ?? "—"}</Fact>}
              {g.lock && <Fact label="Lock">{g.lock}</Fact>}
              {g.lastBackup ? <Fact label="Last backup">{new Date(g.lastBackup).toLocaleString()}</Fact> : null}
            </dl>
            {tags.length > 0 && (
              <div className="mt-3 flex flex-wrap gap-1.5">
                {tags.map((t) => (
                  <TagChip key={t} tag={t} onClick={onTag} />
                ))}
              </div>
            )}
          </Section>

          {(g.disks?.length ?? 0) > 0 && (
            <Section title="Disks" testId="drawer-disks">
              <ul className="space-y-2.5">
                {g.disks?.map((d, i) => (
                  <li key={`${d.mountpoint}-${i}`}>
                    <div className="mb-1 flex justify-between gap-3 text-sm">
                      <span className="truncate font-medium">{d.mountpoint || d.device}</span>
                      <span className="shrink-0 text-xs text-gray-500 dark:text-gray-400">
                        {formatBytes(d.used)} / {formatBytes(d.total)}
                        {d.type ? ` · ${d.type}` : ""}
                      </span>
                    </div>
                    <UsageBar percent={d.usage} />
                  </li>
                ))}
              </ul>
            </Section>
          )}

          {((g.networkInterfaces?.length ?? 0) > 0 || ips.length > 0) && (
            <Section title="Network" testId="drawer-network">
              {g.networkInterfaces?.length ? (
                <ul className="space-y-2">
                  {g.networkInterfaces.map((n) => (
                    <li key={n.name + n.mac} className="rounded-lg bg-gray-50 px-3 py-2 text-sm dark:bg-white/5">
                      <div className="flex justify-between gap-3">
                        <span className="font-medium">{n.name}</span>
                        <span className="font-mono text-xs text-gray-500 dark:text-gray-400">{n.mac}</span>
                      </div>
                      <div className="mt-0.5 font-mono text-xs text-gray-700 dark:text-gray-300">{n.addresses?.join(", ") || "no address"}</div>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="font-mono text-xs">{ips.join(", ")}</p>
              )}
            </Section>
          )}

          <Section title={canWrite ? "Notes & link" : "Notes"} testId="drawer-metadata">
            <MetadataEditor key={g.id} guestId={g.id} canWrite={canWrite} token={token} />
          </Section>
        </div>
      </aside>
    </>
  );
}
