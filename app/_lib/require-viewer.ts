/**
 * The gate of the monitoring pages: they need what `/api/state` needs — a session, or a
 * read-only `?token=` (kiosk). Not set up yet goes to /setup, no credentials to /login.
 * Signed in without the right (a user with no role yet) is told so instead of being sent
 * back to the login page, which would send them here again.
 */
import { redirect } from "next/navigation";
import { ApiError } from "@/lib/api/errors";
import { authorize, type Principal } from "@/lib/auth/authorize";
import { pageRequest } from "./server-auth";

export async function requireViewer(token: string | undefined): Promise<{ viewer: Principal } | { denied: string }> {
  const request = await pageRequest(`/api/state${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  try {
    return { viewer: await authorize(request, "GET /api/state") };
  } catch (err) {
    if (err instanceof ApiError && err.code === "setup_required") redirect("/setup");
    if (err instanceof ApiError && err.status === 403) return { denied: err.message };
    redirect("/login");
  }
}
