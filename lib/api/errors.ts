/**
 * Pulse's error envelope and the catalogue of error codes, in one place:
 * `{"error": "message", "code": "machine_code", "status_code": 400, "timestamp": 1700000000}`.
 */

export const ERROR_CODES = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  setup_required: 401,
  invalid_credentials: 401,
  csrf_invalid: 403,
  account_locked: 403,
  forbidden: 403,
  missing_scope: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  rate_limit: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  connection_failed: 400,
  service_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** response headers to send with the error (Retry-After, a fresh CSRF token, …) */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_CODES[code];
  }
}

export interface ErrorEnvelope {
  error: string;
  code: ErrorCode;
  status_code: number;
  timestamp: number;
  [key: string]: unknown;
}

export function errorEnvelope(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): ErrorEnvelope {
  return { error: message, code, status_code: ERROR_CODES[code], timestamp: Math.floor(Date.now() / 1000), ...extra };
}

export function errorResponse(error: ApiError): Response {
  return Response.json(errorEnvelope(error.code, error.message, error.extra), { status: error.status, headers: error.headers });
}
