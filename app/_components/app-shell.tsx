"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { kioskToken } from "../_lib/live-state";
import { ConnectionBanner, ConnectionIndicator } from "./connection-indicator";
import { BARE_PATHS, isActive, NAV_SECTIONS } from "./nav";
import { SignOutButton } from "./sign-out-button";
import { ThemeSwitch } from "./theme";

export interface ShellUser {
  username: string;
  hasSession: boolean;
}

export function PulseLogo({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden>
      <rect width="32" height="32" rx="7" className="fill-teal-600 dark:fill-teal-500" />
      <path d="M4 17h6l3-8 5 15 3-7h7" fill="none" stroke="#fff" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** Links keep a kiosk viewer's `?token=` (it has no session to fall back on). */
function useTokenHref(): (href: string) => string {
  const [token, setToken] = useState<string>();
  useEffect(() => setToken(kioskToken()), []);
  return (href) => (token ? `${href}?token=${encodeURIComponent(token)}` : href);
}

/**
 * The top bar of every monitoring page: logo, sections, connection state, theme, and who
 * is signed in. The sign-in and setup pages render bare.
 */
export function AppShell({ user, children }: { user?: ShellUser; children: React.ReactNode }) {
  const pathname = usePathname() ?? "/";
  const [menuOpen, setMenuOpen] = useState(false);
  const [kiosk, setKiosk] = useState(false);
  const tokenHref = useTokenHref();

  useEffect(() => setKiosk(Boolean(kioskToken())), []);
  useEffect(() => setMenuOpen(false), [pathname]);

  if (BARE_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return <>{children}</>;

  const items = NAV_SECTIONS.flatMap((s) => s.items);

  return (
    <div className="flex min-h-screen flex-col">
      <header className="sticky top-0 z-30 border-b border-gray-200/80 bg-white/85 backdrop-blur-md dark:border-white/10 dark:bg-gray-950/80">
        <div className="mx-auto flex h-14 max-w-[1800px] items-center gap-3 px-3 sm:px-6">
          <Link href={tokenHref("/")} className="flex items-center gap-2 rounded-md pr-1 font-semibold tracking-tight" data-testid="brand">
            <PulseLogo />
            <span className="text-[17px]">Pulse</span>
          </Link>

          <nav aria-label="Sections" className="ml-3 hidden items-center gap-1 md:flex" data-testid="main-nav">
            <span className="mr-1 text-[11px] font-semibold uppercase tracking-wider text-gray-400 dark:text-gray-500">{NAV_SECTIONS[0].label}</span>
            {items.map((item) => {
              const active = isActive(item, pathname);
              return (
                <Link
                  key={item.href}
                  href={tokenHref(item.href)}
                  aria-current={active ? "page" : undefined}
                  className={`rounded-md px-3 py-1.5 text-sm font-medium transition-colors ${
                    active
                      ? "bg-gray-900/5 text-gray-900 dark:bg-white/10 dark:text-white"
                      : "text-gray-600 hover:bg-gray-900/5 hover:text-gray-900 dark:text-gray-400 dark:hover:bg-white/5 dark:hover:text-white"
                  }`}
                >
                  {item.label}
                </Link>
              );
            })}
          </nav>

          <div className="ml-auto flex min-w-0 items-center gap-2 sm:gap-3">
            <ConnectionIndicator />
            <div className="hidden md:block">
              <ThemeSwitch />
            </div>
            {user ? (
              <div className="hidden items-center gap-2 md:flex">
                <span className="flex items-center gap-1.5 text-sm text-gray-700 dark:text-gray-300">
                  <span className="grid h-7 w-7 place-items-center rounded-full bg-teal-600/10 text-xs font-semibold uppercase text-teal-700 dark:bg-teal-400/15 dark:text-teal-300" aria-hidden>
                    {user.username.slice(0, 1)}
                  </span>
                  <span data-testid="signed-in-user">{user.username}</span>
                </span>
                {user.hasSession && <SignOutButton />}
              </div>
            ) : (
              kiosk && (
                <span className="hidden rounded-full bg-gray-900/5 px-2.5 py-1 text-xs font-medium text-gray-600 md:inline dark:bg-white/10 dark:text-gray-300" data-testid="kiosk-badge">
                  Read-only
                </span>
              )
            )}
            <button
              type="button"
              className="grid h-9 w-9 place-items-center rounded-md text-gray-600 hover:bg-gray-900/5 md:hidden dark:text-gray-300 dark:hover:bg-white/10"
              aria-label={menuOpen ? "Close menu" : "Open menu"}
              aria-expanded={menuOpen}
              aria-controls="mobile-menu"
              data-testid="menu-button"
              onClick={() => setMenuOpen((o) => !o)}
            >
              <svg viewBox="0 0 20 20" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" aria-hidden>
                {menuOpen ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 6h14M3 10h14M3 14h14" />}
              </svg>
            </button>
          </div>
        </div>

        {menuOpen && (
          <div id="mobile-menu" className="border-t border-gray-200 px-3 pb-3 pt-2 md:hidden dark:border-white/10" data-testid="mobile-menu">
            <div className="px-2 pb-1 text-[11px] font-semibold uppercase tracking-wider text-gray-400">{NAV_SECTIONS[0].label}</div>
            <nav aria-label="Sections" className="flex flex-col">
              {items.map((item) => (
                <Link
                  key={item.href}
                  href={tokenHref(item.href)}
                  aria-current={isActive(item, pathname) ? "page" : undefined}
                  className={`rounded-md px-2 py-2 text-sm font-medium ${
                    isActive(item, pathname) ? "bg-gray-900/5 dark:bg-white/10" : "text-gray-600 dark:text-gray-300"
                  }`}
                >
                  {item.label}
                </Link>
              ))}
            </nav>
            <div className="mt-2 flex items-center justify-between gap-3 border-t border-gray-200 pt-3 dark:border-white/10">
              <ThemeSwitch />
              {user && (
                <div className="flex items-center gap-2 text-sm">
                  <span className="text-gray-600 dark:text-gray-300">{user.username}</span>
                  {user.hasSession && <SignOutButton />}
                </div>
              )}
            </div>
          </div>
        )}
      </header>
      <ConnectionBanner />
      <div className="flex-1">{children}</div>
    </div>
  );
}
