/**
 * The prologue every `/api/*` handler shares: count the request against the caller's rate
 * limit, authorize against the route's entry in the access table, run, and turn thrown
 * ApiErrors (and anything unexpected) into Pulse's error envelope. Handlers return a
 * Response or a value to be sent as JSON.
 */
import { authorize, type Principal } from "../auth/authorize";
import { type RateLimitDecision, rateLimiter, rateLimitHeaders } from "../auth/rate-limit";
import type { RouteKey } from "../auth/route-access";
import { logger } from "../logger";
import { clientIp } from "./client-ip";
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
  return (request, context) =>
    withRateLimit(request, async () => {
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
    });
}

/**
 * Runs `respond` unless the caller's IP has used up the budget of this request's category
 * (then 429), and puts the X-RateLimit-* headers on the answer either way.
 */
export async function withRateLimit(request: Request, respond: () => Promise<Response>): Promise<Response> {
  const decision = rateLimiter().check(request.method, new URL(request.url).pathname, clientIp(request));
  if (!decision) return respond();
  if (!decision.allowed) return rateLimitedResponse(decision);
  return withHeaders(await respond(), rateLimitHeaders(decision));
}

/** Pulse's 429 body (`error: "rate_limit"` plus a message), in the usual envelope. */
function rateLimitedResponse(d: RateLimitDecision): Response {
  const message = `Too many requests; try again in ${d.retryAfterSeconds} seconds`;
  return Response.json(
    { error: "rate_limit", code: "rate_limit", message, status_code: 429, timestamp: Math.floor(Date.now() / 1000), retryAfter: d.retryAfterSeconds },
    { status: 429, headers: rateLimitHeaders(d) },
  );
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  try {
    for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
    return response;
  } catch {
    // Immutable headers (a Response passed through from fetch): copy it.
    const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}

export function toErrorResponse(err: unknown, request?: Request): Response {
  if (err instanceof ApiError) {
    if (err.status === 401 && !err.headers["WWW-Authenticate"]) err.headers["WWW-Authenticate"] = 'Bearer realm="pulse"';
    return errorResponse(err);
  }
  logger.error({ err, path: request ? new URL(request.url).pathname : undefined }, "unhandled error in route");
  return errorResponse(new ApiError("internal_error", "Internal server error"));
}
