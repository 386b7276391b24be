/** Small HTTPS client for the simulator tests (TLS verification off: the certificate is self-signed). */
import { Agent, request } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { DEFAULT_TOKEN, type SimToken } from "./auth";
import type { Simulator } from "./simulator";

export interface Reply {
  status: number;
  reason: string;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

const agent = new Agent({ rejectUnauthorized: false, keepAlive: true });

export function tokenHeader(token: SimToken = DEFAULT_TOKEN): Record<string, string> {
  return { Authorization: `PVEAPIToken=${token.tokenId}=${token.secret}` };
}

export function call(
  base: string | Simulator,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string; raw?: boolean } = {},
): Promise<Reply> {
  const url = new URL((typeof base === "string" ? base : base.url) + (opts.raw ? path : `/api2/json${path}`));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? "", headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** GET with the default API token. */
export const get = (sim: Simulator | string, path: string, token?: SimToken) => call(sim, "GET", path, { headers: tokenHeader(token) });
