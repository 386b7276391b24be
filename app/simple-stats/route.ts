import { ApiError } from "@/lib/api/errors";
import { toErrorResponse, withRateLimit } from "@/lib/api/route";
import { authorize } from "@/lib/auth/authorize";
import { renderSignInRequired, renderSimpleStats } from "@/lib/simple-stats/render";
import { getPublishedState } from "@/lib/state/store";

export const dynamic = "force-dynamic";

/**
 * Pulse's lightweight status page. Pulse serves it publicly; it shows the same
 * infrastructure data as the overview, so here it needs the same credentials: a session
 * cookie, or `?token=` with `monitoring:read` (wall displays).
 */
export function GET(request: Request): Promise<Response> {
  return withRateLimit(request, async () => {
    try {
      await authorize(request, "GET /simple-stats");
    } catch (err) {
      if (err instanceof ApiError && wantsHtml(request) && (err.status === 401 || err.status === 403)) {
        const forbidden = err.status === 403;
        const message = forbidden ? err.message : "This status page shows your infrastructure, so it needs you to be signed in.";
        const page = html(renderSignInRequired(message, forbidden), err.status);
        if (err.status === 401) page.headers.set("WWW-Authenticate", 'Bearer realm="pulse"');
        return page;
      }
      // API clients get Pulse's JSON error envelope.
      return toErrorResponse(err, request);
    }
    const { state } = await getPublishedState();
    return html(renderSimpleStats(state), 200);
  });
}

function wantsHtml(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes("text/html");
}

function html(body: string, status: number): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
