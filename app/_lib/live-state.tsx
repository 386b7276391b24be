"use client";
/**
 * `useLiveState()`: the live state in the browser, shared by every component of the
 * page through one connection (lib/dashboard/live-connection.ts). The provider sits in
 * the root layout so the connection survives client-side navigation; it only connects
 * while some component uses the hook (the sign-in pages never do).
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from "react";
import { LiveConnection, liveUrls, type LiveSnapshot } from "@/lib/dashboard/live-connection";
import type { StateFrontend } from "@/lib/state/models";

export type { LiveSnapshot, LiveStatus } from "@/lib/dashboard/live-connection";

/** Lingers this long after the last user unmounts, so navigating between pages keeps it. */
const IDLE_CLOSE_MS = 5000;

class LiveStore {
  readonly connection: LiveConnection;
  private users = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const browser = typeof window !== "undefined";
    const token = browser ? kioskToken() : undefined;
    this.connection = new LiveConnection(browser ? liveUrls(window.location, token) : { wsUrl: "", stateUrl: "" });
  }

  acquire(): () => void {
    clearTimeout(this.idleTimer);
    if (this.users++ === 0) this.connection.start();
    const retry = () => this.connection.retryNow();
    window.addEventListener("online", retry);
    return () => {
      window.removeEventListener("online", retry);
      if (--this.users === 0) this.idleTimer = setTimeout(() => this.connection.stop(), IDLE_CLOSE_MS);
    };
  }
}

/** The read-only `?token=` a kiosk page was opened with. */
export function kioskToken(): string | undefined {
  if (typeof window === "undefined") return undefined;
  return new URLSearchParams(window.location.search).get("token") ?? undefined;
}

const LiveContext = createContext<LiveStore | null>(null);

export function LiveStateProvider({ children }: { children: React.ReactNode }) {
  const [store] = useState(() => new LiveStore());
  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}

/**
 * `{state, status, reason, lastMessageAt}`. Pass the server-rendered state as `seed` so
 * the first paint shows data before the socket has said anything.
 */
export function useLiveState(seed?: StateFrontend): LiveSnapshot {
  const store = useContext(LiveContext);
  if (!store) throw new Error("useLiveState needs <LiveStateProvider> (app/layout.tsx)");
  const { connection } = store;
  if (seed) connection.seed(seed);
  useEffect(() => store.acquire(), [store]);
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot, connection.getSnapshot);
}
