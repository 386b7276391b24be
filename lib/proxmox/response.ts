/**
 * Turns a raw PVE answer into a PveResult: status → typed error (message from the JSON
 * `message` or the reason phrase), envelope `{"data": …}` → schema-checked data.
 */
import type { z } from "zod";
import { errorFromStatus, fail, ok, type PveResult } from "./errors";
import type { RawResponse } from "./transport";

function errorText(raw: RawResponse): string {
  const body = raw.body.trim();
  if (body.startsWith("{")) {
    try {
      const parsed = JSON.parse(body) as { message?: unknown; errors?: unknown };
      let text = typeof parsed.message === "string" ? parsed.message.trim() : "";
      if (parsed.errors && typeof parsed.errors === "object") {
        const details = Object.entries(parsed.errors as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${String(v).trim()}`)
          .join("; ");
        if (details) text = text ? `${text} (${details})` : details;
      }
      if (text) return text;
    } catch {
      /* fall through to the reason phrase */
    }
  }
  return raw.statusText.trim() || (body && !body.startsWith("<") ? body.slice(0, 200) : "");
}

export function parseResponse<S extends z.ZodType>(raw: RawResponse, schema: S, path: string): PveResult<z.output<S>> {
  if (raw.status < 200 || raw.status >= 300) {
    return { ok: false, error: errorFromStatus(raw.status, errorText(raw), path) };
  }
  const body = raw.body.trimStart();
  if (body.startsWith("<")) {
    return fail("invalid_response", "the server answered with HTML, not the Proxmox API (wrong URL or port?)", { status: raw.status, path });
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch (e) {
    return fail("invalid_response", `response is not JSON: ${(e as Error).message}`, { status: raw.status, path });
  }
  if (!envelope || typeof envelope !== "object" || !("data" in envelope)) {
    return fail("invalid_response", "response has no `data` member", { status: raw.status, path });
  }
  const parsed = schema.safeParse((envelope as { data: unknown }).data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    return fail("invalid_response", `unexpected response shape${where}: ${issue?.message ?? "invalid"}`, { status: raw.status, path });
  }
  return ok(parsed.data);
}
