import { ApiError } from "@/lib/api/errors";
import { toErrorResponse, withRateLimit } from "@/lib/api/route";
import { authorize } from "@/lib/auth/authorize";
import { matchRoute } from "@/lib/auth/route-access";

export const dynamic = "force-dynamic";

/**
 * Any `/api/*` path without a handler of its own. A path the API defines but this build
 * does not serve yet still needs its credentials first, so it never tells an anonymous
 * caller more than a 401.
 */
function notFound(request: Request): Promise<Response> {
  return withRateLimit(request, async () => {
    const path = new URL(request.url).pathname;
    try {
      const known = matchRoute(request.method, path);
      if (known) await authorize(request, known.key);
      throw new ApiError("route_not_found", `No API route for ${request.method} ${path}`);
    } catch (err) {
      return toErrorResponse(err, request);
    }
  });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const HEAD = notFound;
export const OPTIONS = notFound;
