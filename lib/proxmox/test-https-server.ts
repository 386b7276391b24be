/**
 * A minimal local HTTPS server with a self-signed certificate, for client tests that need
 * exact control over status lines, bodies and timing. Listens on 127.0.0.1 only.
 */
import { createHash, X509Certificate } from "node:crypto";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => unknown;

export interface TestHttpsServer {
  origin: string;
  port: number;
  fingerprint: string;
  requests: RecordedRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

let certCache: Promise<{ key: string; cert: string }> | undefined;
async function certificate(fresh: boolean): Promise<{ key: string; cert: string }> {
  const make = async () => {
    const pems = await generate([{ name: "commonName", value: "pve-test" }], { keySize: 2048, algorithm: "sha256" });
    return { key: pems.private, cert: pems.cert };
  };
  if (fresh) return make();
  certCache ??= make();
  return certCache;
}

/** Send a PVE-style JSON answer (`{"data": …}`), or an error with the text in both places. */
export function sendPve(res: ServerResponse, status: number, data: unknown, message?: string): void {
  const body = status >= 400 ? JSON.stringify({ data: null, ...(message ? { message: `${message}\n` } : {}) }) : JSON.stringify({ data });
  res.statusMessage = message ?? (status === 200 ? "OK" : "");
  res.writeHead(status, { "content-type": "application/json;charset=UTF-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export async function startTestHttpsServer(opts: { freshCertificate?: boolean } = {}): Promise<TestHttpsServer> {
  const { key, cert } = await certificate(opts.freshCertificate ?? false);
  const der = new X509Certificate(cert).raw;
  const fingerprint = (createHash("sha256").update(der).digest("hex").toUpperCase().match(/.{2}/g) ?? []).join(":");
  let handler: Handler = (_req, res) => sendPve(res, 404, null, "no handler");
  const requests: RecordedRequest[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: RecordedRequest = {
        method: req.method ?? "GET",
        path: (req.url ?? "/").replace(/^\/api2\/json/, ""),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      Promise.resolve(handler(rec, res)).catch((e) => {
        if (!res.headersSent) sendPve(res, 500, null, String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `https://127.0.0.1:${port}`,
    port,
    fingerprint,
    requests,
    handle(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
