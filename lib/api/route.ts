/**
 * The prologue every `/api/*` handler shares: authorize, run, turn thrown ApiErrors (and
 * anything unexpected) into Pulse's error envelope. Handlers return a Response or a value
 * to be sent as JSON.
 */
import { type Access } from "../auth/scopes";
import { authorize, type Principal } from "../auth/authorize";
import { ApiError, errorResponse } from "./errors";
import { logger } from "../logger";

export interface RouteContext<P> {
  request: Request;
  params: P;
  principal: Principal;
}

type NextContext = { params?: Promise<Record<string, string | string[]>> | Record<string, string | string[]> };

export function apiRoute<P extends Record<string, string | string[]> = Record<string, never>>(
  access: Access,
  handler: (ctx: RouteContext<P>) => Promise<unknown> | unknown,
): (request: Request, context?: NextContext) => Promise<Response> {
  return async (request, context) => {
    try {
      const principal = await authorize(request, access);
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
    const headers = err.status === 401 ? { "WWW-Authenticate": 'Bearer realm="pulse"' } : undefined;
    return errorResponse(err, headers);
  }
  logger.error({ err, path: request ? new URL(request.url).pathname : undefined }, "unhandled error in route");
  return errorResponse(new ApiError("internal_error", "Internal server error"));
}
