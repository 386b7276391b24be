"use client";
import { useEffect, useRef, useState } from "react";
import { COLUMNS, type ColumnDef, type ColumnId, type OverviewView } from "@/lib/dashboard/overview-view";

const selectClass =
  "h-9 min-w-0 rounded-lg border border-gray-200 bg-white pl-2.5 pr-7 text-sm text-gray-700 shadow-sm outline-none focus:border-teal-500 focus:ring-2 focus:ring-teal-500/25 dark:border-white/10 dark:bg-gray-900 dark:text-gray-200";

const buttonClass =
  "inline-flex h-9 items-center gap-1.5 whitespace-nowrap rounded-lg border px-3 text-sm font-medium shadow-sm outline-none transition-colors focus-visible:ring-2 focus-visible:ring-teal-500/40";

function Select({ label, all, value, options, onChange, testId }: { label: string; all: string; value?: string; options: { value: string; label: string }[]; onChange: (v?: string) => void; testId: string }) {
  return (
    <label className="min-w-0">
      <span className="sr-only">{label}</span>
      <select className={`${selectClass} w-full`} value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)} data-testid={testId} aria-label={label}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function ColumnsMenu({ visible, chosen, onChange }: { visible: ColumnDef[]; chosen?: ColumnId[]; onChange: (cols?: ColumnId[]) => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const esc = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", esc);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", esc);
    };
  }, [open]);
  const shown = new Set(visible.map((c) => c.id));
  function toggle(id: ColumnId) {
    const next = new Set(shown);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange(COLUMNS.filter((c) => next.has(c.id)).map((c) => c.id));
  }
  return (
    <div className="relative" ref={ref}>
      <button
        type="button"
        className={`${buttonClass} border-gray-200 bg-white text-gray-700 hover:bg-gray-50 dark:border-white/10 dark:bg-gray-900 dark:text-gray-200 dark:hover:bg-white/5`}
        aria-expanded={open}
        aria-haspopup="true"
        onClick={() => setOpen((o) => !o)}
        data-testid="columns-button"
      >
        <svg viewBox="0 0 16 16" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
          <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
          <path d="M6 2.5v11M10 2.5v11" />
        </svg>
        <span className="hidden sm:inline">Columns</span>
      </button>
      {open && (
        <div className="absolute right-0 z-40 mt-1 w-56 rounded-xl border border-gray-200 bg-white p-1.5 shadow-xl dark:border-white/10 dark:bg-gray-900" data-testid="columns-menu">
          {COLUMNS.map((c) => (
            <label key={c.id} className={`flex items-center gap-2 rounded-md px-2 py-1.5 text-sm ${c.id === "name" ? "opacity-50" : "cursor-pointer hover:bg-gray-50 dark:hover:bg-white/5"}`}>
              <input
                type="checkbox"
                className="h-4 w-4 accent-teal-600"
                checked={shown.has(c.id)}
                disabled={c.id === "name"}
                onChange={() => toggle(c.id)}
                data-testid={`column-toggle-${c.id}`}
              />
              {c.label}
            </label>
          ))}
          <div className="mt-1 border-t border-gray-100 pt-1 dark:border-white/10">
            <button
              type="button"
              disabled={!chosen}
              onClick={() => onChange(undefined)}
              className="w-full rounded-md px-2 py-1.5 text-left text-sm text-teal-700 hover:bg-gray-50 disabled:text-gray-400 dark:text-teal-300 dark:hover:bg-white/5 dark:disabled:text-gray-600"
            >
              Fit to screen (default)
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

export interface ToolbarProps {
  view: OverviewView;
  nodes: string[];
  tags: string[];
  statuses: string[];
  visibleColumns: ColumnDef[];
  shown: number;
  total: number;
  onChange: (patch: Partial<OverviewView>) => void;
}

/** Search (`key:value` terms), the filter dropdowns, grouping and columns. */
export function Toolbar({ view, nodes, tags, statuses, visibleColumns, shown, total, onChange }: ToolbarProps) {
  // The box updates at typing speed; the table (and URL) follow a beat later.
  const [text, setText] = useState(view.q);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => setText(view.q), [view.q]);
  useEffect(() => {
    if (text === view.q) return;
    const t = setTimeout(() => onChange({ q: text }), 120);
    return () => clearTimeout(t);
  }, [text, view.q, onChange]);
  useEffect(() => {
    // "/" focuses the search, as in Pulse.
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && !el.isContentEditable) {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const filtered = Boolean(view.q || view.node || view.type || view.status || view.tag);
  const activeFilters = [view.node, view.type, view.status, view.tag].filter(Boolean).length;
  // Phones show the dropdowns on demand; wider screens always.
  const [filtersOpen, setFiltersOpen] = useState(false);

  return (
    <div className="flex flex-col gap-2 lg:flex-row lg:items-center" data-testid="guest-toolbar">
      <div className="relative min-w-0 flex-1">
        <svg viewBox="0 0 20 20" className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-gray-400" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden>
          <circle cx="9" cy="9" r="5.5" />
          <path strokeLinecap="round" d="m13.5 13.5 3.5 3.5" />
        </svg>
        <input
          ref={inputRef}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") onChange({ q: text });
            if (e.key === "Escape") {
              setText("");
              onChange({ q: "" });
            }
          }}
          placeholder="Search guests — name, id, ip, or node:pve1 tag:prod cpu>50 status:running"
          aria-label="Search guests"
          data-testid="guest-search"
          spellCheck={false}
          autoComplete="off"
          className="h-9 w-full rounded-lg border border-gray-200 bg-white pl-9 pr-3 text-sm shadow-sm outline-none placeholder:text-gray-400 focus:border-teal-500 focus:ring-2 focus:ring-teal-500/25 dark:border-white/10 dark:bg-gray-900 dark:placeholder:text-gray-500"
        />
      </div>
      <div className={`grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-center ${filtersOpen ? "grid" : "hidden"}`} data-testid="guest-filters">
        <Select label="Node" all="All nodes" value={view.node} options={nodes.map((n) => ({ value: n, label: n }))} onChange={(node) => onChange({ node })} testId="filter-node" />
        <Select
          label="Type"
          all="All types"
          value={view.type}
          options={[
            { value: "vm", label: "VMs" },
            { value: "lxc", label: "Containers" },
          ]}
          onChange={(type) => onChange({ type: type as OverviewView["type"] })}
          testId="filter-type"
        />
        <Select label="Status" all="Any status" value={view.status} options={statuses.map((s) => ({ value: s, label: s[0].toUpperCase() + s.slice(1) }))} onChange={(status) => onChange({ status })} testId="filter-status" />
        <Select label="Tag" all="All tags" value={view.tag} options={tags.map((t) => ({ value: t, label: t }))} onChange={(tag) => onChange({ tag })} testId="filter-tag" />
      </div>
      <div className="flex items-center gap-2">
          <button
            type="button"
            aria-expanded={filtersOpen}
            onClick={() => setFiltersOpen((o) => !o)}
            data-testid="filters-button"
            className={`${buttonClass} border-gray-200 bg-white text-gray-700 hover:bg-gray-50 sm:hidden dark:border-white/10 dark:bg-gray-900 dark:text-gray-200 dark:hover:bg-white/5`}
          >
            <svg viewBox="0 0 16 16" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" aria-hidden>
              <path d="M2 4h12M4.5 8h7M7 12h2" />
            </svg>
            Filters
            {activeFilters > 0 && <span className="rounded-full bg-teal-600 px-1.5 text-[10px] font-semibold text-white">{activeFilters}</span>}
          </button>
          <button
            type="button"
            aria-pressed={view.group}
            onClick={() => onChange({ group: !view.group })}
            data-testid="group-toggle"
            title="Group guests by node"
            className={`${buttonClass} ${
              view.group
                ? "border-teal-600/30 bg-teal-50 text-teal-800 dark:border-teal-400/30 dark:bg-teal-400/10 dark:text-teal-200"
                : "border-gray-200 bg-white text-gray-700 hover:bg-gray-50 dark:border-white/10 dark:bg-gray-900 dark:text-gray-200 dark:hover:bg-white/5"
            }`}
          >
            <svg viewBox="0 0 16 16" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
              <path strokeLinecap="round" d="M2.5 3.5h11M5 8h8.5M5 12.5h8.5M2.5 8v4.5" />
            </svg>
            By node
          </button>
          <ColumnsMenu visible={visibleColumns} chosen={view.cols} onChange={(cols) => onChange({ cols })} />
          {filtered && (
            <button
              type="button"
              onClick={() => {
                setText("");
                onChange({ q: "", node: undefined, type: undefined, status: undefined, tag: undefined });
              }}
              className="h-9 whitespace-nowrap px-1 text-sm font-medium text-teal-700 hover:underline dark:text-teal-300"
              data-testid="clear-filters"
            >
              Clear
            </button>
          )}
          <span className="ml-auto whitespace-nowrap pl-1 text-xs tabular-nums text-gray-500 lg:hidden dark:text-gray-400" data-testid="guest-count-mobile">
            {shown === total ? `${total} guests` : `${shown} of ${total}`}
          </span>
      </div>
    </div>
  );
}
