/**
 * Where the browser goes after SSO: only a path on this server (`/nodes?x=1`), never
 * another origin (`//evil`, `https://…`, `/\evil`), and never back into the SSO routes.
 */
const BASE = "http://pulse.invalid";

export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 2048 || !value.startsWith("/") || value.startsWith("//") || /[\\\x00-\x1f\x7f]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE || url.pathname.startsWith("/api/oidc")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `returnTo` with `?oidc=success` added (the UI shows a notice, as Pulse's does). */
export function withOidcSuccess(returnTo: string): string {
  const url = new URL(safeReturnTo(returnTo), BASE);
  url.searchParams.set("oidc", "success");
  return `${url.pathname}${url.search}${url.hash}`;
}
