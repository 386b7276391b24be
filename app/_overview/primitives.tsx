"use client";
import { memo, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";

export function usageTone(percent: number): { bar: string; text: string } {
  if (percent >= 90) return { bar: "bg-red-500", text: "text-red-600 dark:text-red-400" };
  if (percent >= 75) return { bar: "bg-amber-500", text: "text-amber-600 dark:text-amber-400" };
  return { bar: "bg-emerald-500", text: "text-gray-900 dark:text-gray-100" };
}

/** A usage bar: the percentage and a detail on one line, the bar under them. */
export const UsageBar = memo(function UsageBar({ percent, detail, detailClass = "", muted = false }: { percent: number; detail?: string; detailClass?: string; muted?: boolean }) {
  const v = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  const tone = usageTone(v);
  return (
    <div className="min-w-0">
      <div className="flex items-baseline justify-between gap-1.5 text-xs leading-4">
        <span className={`font-medium tabular-nums ${muted ? "text-gray-400 dark:text-gray-500" : tone.text}`}>{v < 10 && v > 0 ? v.toFixed(1) : Math.round(v)}%</span>
        {detail && <span className={`truncate text-[11px] tabular-nums text-gray-500 dark:text-gray-400 ${detailClass}`}>{detail}</span>}
      </div>
      <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-gray-200/80 dark:bg-white/10">
        <div className={`h-full rounded-full ${muted ? "bg-gray-300 dark:bg-gray-600" : tone.bar} transition-[width] duration-500 ease-out`} style={{ width: `${v}%` }} />
      </div>
    </div>
  );
});

const DOT: Record<string, string> = {
  running: "bg-emerald-500",
  online: "bg-emerald-500",
  paused: "bg-amber-500",
  suspended: "bg-amber-500",
  stopped: "bg-gray-400 dark:bg-gray-500",
  offline: "bg-red-500",
};

export function StatusDot({ status, className = "" }: { status: string; className?: string }) {
  return <span className={`inline-block h-2 w-2 shrink-0 rounded-full ${DOT[status] ?? "bg-gray-400"} ${className}`} title={status} aria-label={status} role="img" />;
}

/** Stable per-tag colours, like Pulse's tag chips. */
const TAG_COLOURS = [
  "bg-sky-100 text-sky-800 dark:bg-sky-400/15 dark:text-sky-300",
  "bg-violet-100 text-violet-800 dark:bg-violet-400/15 dark:text-violet-300",
  "bg-emerald-100 text-emerald-800 dark:bg-emerald-400/15 dark:text-emerald-300",
  "bg-amber-100 text-amber-800 dark:bg-amber-400/15 dark:text-amber-300",
  "bg-rose-100 text-rose-800 dark:bg-rose-400/15 dark:text-rose-300",
  "bg-teal-100 text-teal-800 dark:bg-teal-400/15 dark:text-teal-300",
  "bg-indigo-100 text-indigo-800 dark:bg-indigo-400/15 dark:text-indigo-300",
  "bg-lime-100 text-lime-800 dark:bg-lime-400/15 dark:text-lime-300",
];

export function tagColour(tag: string): string {
  let h = 0;
  for (let i = 0; i < tag.length; i++) h = (h * 31 + tag.charCodeAt(i)) | 0;
  return TAG_COLOURS[Math.abs(h) % TAG_COLOURS.length];
}

export function TagChip({ tag, onClick }: { tag: string; onClick?: (tag: string) => void }) {
  const cls = `inline-flex max-w-full items-center truncate rounded px-1.5 py-px text-[11px] font-medium leading-4 ${tagColour(tag)}`;
  if (!onClick) return <span className={cls} data-testid="tag-chip">{tag}</span>;
  return (
    <button
      type="button"
      className={`${cls} hover:ring-1 hover:ring-current/30`}
      data-testid="tag-chip"
      title={`Show guests tagged ${tag}`}
      onClick={(e) => {
        e.stopPropagation();
        onClick(tag);
      }}
    >
      {tag}
    </button>
  );
}

/** The guest's lock (backup, snapshot, migrate…); `compact` shows only the padlock (the name is its tooltip). */
export function LockBadge({ lock, compact = false }: { lock: string; compact?: boolean }) {
  return (
    <span
      className="inline-flex shrink-0 items-center gap-0.5 rounded bg-amber-100 px-1 py-px text-[10px] font-semibold uppercase tracking-wide text-amber-800 dark:bg-amber-400/15 dark:text-amber-300"
      title={`Locked: ${lock}`}
      aria-label={`Locked: ${lock}`}
      data-testid="lock-badge"
      data-lock={lock}
    >
      <svg viewBox="0 0 12 12" className="h-2.5 w-2.5" fill="currentColor" aria-hidden>
        <path d="M3.5 5V3.8a2.5 2.5 0 1 1 5 0V5h.3c.4 0 .7.3.7.7v4.6c0 .4-.3.7-.7.7H3.2a.7.7 0 0 1-.7-.7V5.7c0-.4.3-.7.7-.7h.3Zm1.2 0h2.6V3.8a1.3 1.3 0 1 0-2.6 0V5Z" />
      </svg>
      {!compact && lock}
    </span>
  );
}

/**
 * Extra detail on hover or keyboard focus, drawn in a fixed layer so the table's scroll
 * container does not clip it.
 */
export function HoverCard({ content, children, className = "", testId }: { content: React.ReactNode; children: React.ReactNode; className?: string; testId?: string }) {
  const [rect, setRect] = useState<DOMRect | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!rect) return;
    const hide = () => setRect(null);
    window.addEventListener("scroll", hide, true);
    return () => window.removeEventListener("scroll", hide, true);
  }, [rect]);
  const show = () => ref.current && setRect(ref.current.getBoundingClientRect());
  const hide = () => setRect(null);
  let style: React.CSSProperties | undefined;
  if (rect) {
    const below = rect.bottom + 220 < window.innerHeight;
    style = {
      position: "fixed",
      left: Math.max(8, Math.min(rect.left, window.innerWidth - 300)),
      ...(below ? { top: rect.bottom + 6 } : { bottom: window.innerHeight - rect.top + 6 }),
    };
  }
  return (
    <div ref={ref} className={className} onMouseEnter={show} onMouseLeave={hide} onFocus={show} onBlur={hide}>
      {children}
      {rect &&
        createPortal(
          <div
            role="tooltip"
            data-testid={testId}
            style={style}
            className="pointer-events-none z-50 w-max max-w-[290px] rounded-lg border border-gray-200 bg-white px-3 py-2 text-xs text-gray-700 shadow-lg shadow-gray-900/10 dark:border-white/10 dark:bg-gray-900 dark:text-gray-200"
          >
            {content}
          </div>,
          document.body,
        )}
    </div>
  );
}

export function DetailRow({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-0.5">
      <span className="text-gray-500 dark:text-gray-400">{label}</span>
      <span className="text-right font-medium tabular-nums">{value}</span>
    </div>
  );
}
