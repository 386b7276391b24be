/**
 * Requests whose path is not valid percent-encoding (`/api/guests/metadata/%E0%A4%A`) make
 * Next's router throw while decoding route params, which would answer 500. The custom
 * server refuses them first with a 400.
 */
export function hasMalformedPath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?", 1)[0];
  if (!path.includes("%")) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** Pulse's error envelope for the refusal. */
export function malformedPathBody(): string {
  return JSON.stringify({ error: "Malformed percent-encoding in the request path", code: "bad_request", status_code: 400, timestamp: Math.floor(Date.now() / 1000) });
}
