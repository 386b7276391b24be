"use client";
import { useState } from "react";
import { apiFetch } from "../_lib/api-client";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  async function signOut() {
    setBusy(true);
    await apiFetch("/api/logout", { method: "POST" }).catch(() => undefined);
    // A full navigation, so no page rendered for the old session stays around.
    window.location.assign("/login");
  }
  return (
    <button
      type="button"
      onClick={signOut}
      disabled={busy}
      className="rounded-md border border-gray-300 px-3 py-1 text-sm font-medium text-gray-700 hover:bg-gray-100 disabled:opacity-50 dark:border-white/15 dark:text-gray-200 dark:hover:bg-white/10"
    >
      {busy ? "Signing out…" : "Sign out"}
    </button>
  );
}
