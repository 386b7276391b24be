import { ApiError } from "@/lib/api/errors";
import { toErrorResponse } from "@/lib/api/route";

export const dynamic = "force-dynamic";

/** Any `/api/*` path without a route of its own. */
function notFound(request: Request): Response {
  const path = new URL(request.url).pathname;
  return toErrorResponse(new ApiError("route_not_found", `No API route for ${request.method} ${path}`));
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const HEAD = notFound;
export const OPTIONS = notFound;
