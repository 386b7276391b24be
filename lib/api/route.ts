/**
 * The prologue every `/api/*` handler shares: authorize against the route's entry in the
 * access table, run, and turn thrown ApiErrors (and anything unexpected) into Pulse's
 * error envelope. Handlers return a Response or a value to be sent as JSON.
 */
import { authorize, type Principal } from "../auth/authorize";
import type { RouteKey } from "../auth/route-access";
import { logger } from "../logger";
import { ApiError, errorResponse } from "./errors";

export interface RouteContext<P> {
  request: Request;
  params: P;
  principal: Principal;
}

type NextContext = { params?: Promise<Record<string, string | string[]>> | Record<string, string | string[]> };

export function apiRoute<P extends Record<string, string | string[]> = Record<string, never>>(
  key: RouteKey,
  handler: (ctx: RouteContext<P>) => Promise<unknown> | unknown,
): (request: Request, context?: NextContext) => Promise<Response> {
  const method = key.split(" ", 1)[0];
  return async (request, context) => {
    try {
      if (request.method !== method && !(method === "GET" && request.method === "HEAD")) {
        throw new Error(`route ${key} mounted for ${request.method}`);
      }
      const principal = await authorize(request, key);
      const params = ((await context?.params) ?? {}) as P;
      const result = await handler({ request, params, principal });
      if (result instanceof Response) return result;
      if (result === undefined) return new Response(null, { status: 204 });
      return Response.json(result);
    } catch (err) {
      return toErrorResponse(err, request);
    }
  };
}

export function toErrorResponse(err: unknown, request?: Request): Response {
  if (err instanceof ApiError) {
    if (err.status === 401 && !err.headers["WWW-Authenticate"]) err.headers["WWW-Authenticate"] = 'Bearer realm="pulse"';
    return errorResponse(err);
  }
  logger.error({ err, path: request ? new URL(request.url).pathname : undefined }, "unhandled error in route");
  return errorResponse(new ApiError("internal_error", "Internal server error"));
}
