import { Agent, fetch as undiciFetch } from "undici";

/**
 * Walks an SSO sign-in the way a browser does, without one: follows redirects, keeps
 * cookies per host (as browsers do, regardless of port) and submits the test IdP's login
 * form. For API tests; the Playwright spec does the same in Chromium.
 */

interface StoredCookie {
  value: string;
  path: string;
}

export class CookieJar {
  private readonly hosts = new Map<string, Map<string, StoredCookie>>();

  store(url: string, setCookies: string[]): void {
    const host = new URL(url).hostname;
    const jar = this.hosts.get(host) ?? new Map<string, StoredCookie>();
    this.hosts.set(host, jar);
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(";").map((p) => p.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (n: string) => attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.split("=")[1];
      const maxAge = attr("max-age");
      const expires = attr("expires");
      if (maxAge === "0" || (expires && Date.parse(expires) <= Date.now()) || value === "") jar.delete(name);
      else jar.set(name, { value, path: attr("path") ?? "/" });
    }
  }

  header(url: string): string {
    const u = new URL(url);
    const jar = this.hosts.get(u.hostname);
    if (!jar) return "";
    return [...jar.entries()]
      .filter(([, c]) => u.pathname === c.path || u.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .map(([n, c]) => `${n}=${c.value}`)
      .join("; ");
  }

  get(url: string, name: string): string | undefined {
    const v = this.hosts.get(new URL(url).hostname)?.get(name)?.value;
    return v === undefined ? undefined : decodeURIComponent(v);
  }
}

export interface Hop {
  url: string;
  status: number;
  location?: string;
}

export interface RequestOptions {
  form?: URLSearchParams;
  headers?: Record<string, string>;
  /** PEM trusted for HTTPS (an IdP with a private CA) */
  ca?: string;
}

const agents = new Map<string, Agent>();

/** A GET (or form POST) with the jar's cookies, not following redirects. */
export async function request(jar: CookieJar, url: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers, cookie: jar.header(url) };
  if (opts.form) headers["content-type"] = "application/x-www-form-urlencoded";
  const init = { method: opts.form ? "POST" : "GET", headers, body: opts.form, redirect: "manual" as const };
  let res: Response;
  if (opts.ca) {
    const agent = agents.get(opts.ca) ?? new Agent({ connect: { ca: opts.ca } });
    agents.set(opts.ca, agent);
    res = (await undiciFetch(url, { ...init, dispatcher: agent })) as unknown as Response;
  } else {
    res = await fetch(url, init);
  }
  jar.store(url, res.headers.getSetCookie());
  return res;
}

/**
 * From `startUrl`, follows redirects until the browser would settle; on the IdP's login
 * form submits the credentials. Returns the final URL and the hops taken. `headers` go
 * with every request (an `X-Forwarded-For` makes each walk a client of its own for
 * Pulse's per-address sign-in rate limit).
 */
export async function followSignIn(
  jar: CookieJar,
  startUrl: string,
  credentials: { username: string; password: string },
  opts: { stopAt?: (url: string) => boolean; headers?: Record<string, string>; ca?: string } = {},
): Promise<{ finalUrl: string; hops: Hop[]; body: string }> {
  const hops: Hop[] = [];
  let url = startUrl;
  let form: URLSearchParams | undefined;
  for (let i = 0; i < 20; i++) {
    const res = await request(jar, url, { form, headers: opts.headers, ca: opts.ca });
    form = undefined;
    const location = res.headers.get("location") ?? undefined;
    hops.push({ url, status: res.status, location });
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url).href;
      if (opts.stopAt?.(next)) return { finalUrl: next, hops, body: "" };
      url = next;
      continue;
    }
    const body = await res.text();
    if (res.status === 200 && /\/interaction\//.test(url) && body.includes('name="password"')) {
      form = new URLSearchParams(credentials);
      continue;
    }
    return { finalUrl: url, hops, body };
  }
  throw new Error(`sign-in did not settle: ${JSON.stringify(hops)}`);
}
