/**
 * Reading request input safely: bounded bodies, JSON that fails with a 400 instead of a
 * 500, and zod validation errors turned into one readable message.
 */
import type { z } from "zod";
import { ApiError } from "./errors";

/** Default cap for JSON bodies; config payloads are a few KB. */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

/** Read the body as text, refusing more than `limit` bytes without buffering the excess. */
export async function readBodyText(request: Request, limit = MAX_JSON_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new ApiError("payload_too_large", `Request body exceeds ${limit} bytes`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ApiError("payload_too_large", `Request body exceeds ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parse a JSON body against a schema. An empty body counts as `{}`. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, limit?: number): Promise<z.output<S>> {
  const text = await readBodyText(request, limit);
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError("invalid_json", "Request body is not valid JSON");
    }
  }
  return validate(schema, raw);
}

/** Parse the query string against a schema (values are strings; use z.coerce where needed). */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const url = new URL(request.url);
  return validate(schema, Object.fromEntries(url.searchParams));
}

export function validate<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
  throw new ApiError("validation_failed", `Invalid request: ${detail}`, {
    issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  });
}
