/**
 * The custom server: one HTTP server for the Next.js app (pages and `/api/*` route
 * handlers), with the worker forked beside it. The worker's state snapshots arrive over
 * IPC and are kept in the shared state replica that route handlers read and the realtime
 * hub pushes to `/ws` and Socket.IO clients.
 */
import { createServer, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { setWorkerSender } from "../lib/bus";
import { getEnv } from "../lib/config/env";
import { loadEncryptionKey } from "../lib/crypto/secrets";
import { prepareAuth } from "../lib/auth/setup";
import { getDb } from "../lib/db/client";
import { applySecurityHeaders, refreshHeaderPolicy } from "../lib/http/security-headers";
import { hasMalformedPath, malformedPathBody } from "../lib/http/request-path";
import { logger } from "../lib/logger";
import { publishStateJson } from "../lib/state/store";
import { attachRealtime } from "./realtime";
import { startWorker } from "./worker-process";

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: { root?: string; port?: number; host?: string; withWorker?: boolean } = {}): Promise<RunningServer> {
  const env = getEnv();
  const root = opts.root ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const port = opts.port ?? env.port;
  const host = opts.host ?? env.BIND_ADDRESS;
  const dev = process.env.NODE_ENV !== "production";
  // Created (0600) on first start rather than on the first secret, so backups include it from day one.
  loadEncryptionKey(env.dataDir);
  const { bootstrapToken } = await prepareAuth(getDb(), env.dataDir);
  await refreshHeaderPolicy();

  const app = next({ dev, dir: root, hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createServer((req, res) => {
    // Route handlers see the socket's address here; a client cannot set it.
    req.headers["x-pulse-client-ip"] = req.socket.remoteAddress ?? "";
    // Security headers on every response; a CORS preflight is answered right here.
    if (applySecurityHeaders(req, res)) return;
    if (hasMalformedPath(req.url)) {
      res.writeHead(400, { "content-type": "application/json" }).end(malformedPathBody());
      return;
    }
    handle(req, res).catch((err) => {
      logger.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "Internal server error", code: "internal_error", status_code: 500, timestamp: Math.floor(Date.now() / 1000) }));
    });
  });

  // /ws and /socket.io/; every other upgrade but Next's own (/_next/, dev HMR) gets 404.
  const realtime = attachRealtime(server);

  const worker =
    opts.withWorker === false
      ? undefined
      : startWorker(root, (event) => {
          if (event.type === "state") publishStateJson(event.json);
          else if (event.type === "ready") logger.info({ demo: event.demo, simulator: event.simulatorUrl }, "worker ready");
        });
  setWorkerSender(worker?.send);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${actualPort}`;
  logger.info({ url, dev }, "Pulse for Node listening");
  if (bootstrapToken) {
    // Printed plainly (not only as JSON) so it stands out in a terminal or journal.
    console.log(`\nFirst-run setup: open ${url} and enter this bootstrap token:\n\n    ${bootstrapToken}\n\n(also in ${env.dataDir}/.bootstrap_token)\n`);
  }

  return {
    server,
    url,
    close: async () => {
      setWorkerSender(undefined);
      await realtime.close();
      await worker?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  startServer()
    .then((running) => {
      const shutdown = () => {
        logger.info("shutting down");
        running.close().finally(() => process.exit(0));
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);
    })
    .catch((err) => {
      logger.fatal({ err }, "failed to start");
      process.exit(1);
    });
}
