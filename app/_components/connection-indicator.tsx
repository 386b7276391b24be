"use client";
import { useLiveState, type LiveStatus } from "../_lib/live-state";

const TONE: Record<LiveStatus, { dot: string; pill: string; short: string }> = {
  live: { dot: "bg-emerald-500 text-emerald-500 live-ring", pill: "text-emerald-700 dark:text-emerald-400", short: "Live" },
  connecting: { dot: "bg-sky-500", pill: "text-sky-700 dark:text-sky-300", short: "Connecting…" },
  reconnecting: { dot: "bg-amber-500", pill: "text-amber-700 dark:text-amber-300", short: "Reconnecting" },
  polling: { dot: "bg-amber-500", pill: "bg-amber-50 text-amber-800 ring-1 ring-amber-200 dark:bg-amber-400/10 dark:text-amber-300 dark:ring-amber-400/25", short: "Polling" },
  offline: { dot: "bg-red-500", pill: "bg-red-50 text-red-700 ring-1 ring-red-200 dark:bg-red-400/10 dark:text-red-300 dark:ring-red-400/25", short: "Offline" },
};

/** A problem worth a line of its own under the top bar. */
const BANNER: LiveStatus[] = ["polling", "offline"];

/**
 * The live connection in the top bar: "Live", "Connecting…", "Reconnecting (attempt 2)";
 * for polling and offline the pill says the short word and the banner below the bar says
 * the whole reason. Phones get the short word; the tooltip always has the whole reason.
 */
export function ConnectionIndicator() {
  const { status, reason } = useLiveState();
  const tone = TONE[status];
  const long = BANNER.includes(status) ? tone.short : reason;
  return (
    <div
      title={reason}
      aria-label={`Connection: ${reason}`}
      data-testid="connection-status"
      data-status={status}
      data-reason={reason}
      className={`flex shrink-0 items-center gap-2 rounded-full px-2.5 py-1 text-xs font-medium ${tone.pill}`}
    >
      <span className={`relative inline-flex h-2 w-2 shrink-0 rounded-full ${tone.dot}`} aria-hidden />
      <span className="hidden whitespace-nowrap sm:inline">{long}</span>
      <span className="whitespace-nowrap sm:hidden" aria-hidden>
        {tone.short}
      </span>
    </div>
  );
}

export function ConnectionBanner() {
  const { status, reason } = useLiveState();
  if (!BANNER.includes(status)) return null;
  const offline = status === "offline";
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="connection-banner"
      className={`border-b px-4 py-2 text-center text-sm ${
        offline
          ? "border-red-200 bg-red-50 text-red-800 dark:border-red-900/60 dark:bg-red-950/60 dark:text-red-200"
          : "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/50 dark:text-amber-200"
      }`}
    >
      {reason}
    </div>
  );
}
