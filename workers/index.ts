/**
 * The worker process: owns polling (and, as they land, alerts, notifications and
 * patrol). Forked by the custom server; talks to it over the IPC bus.
 */
import type { WorkerCommand, WorkerEvent } from "../lib/bus";
import { getDb } from "../lib/db/client";
import { logger } from "../lib/logger";
import { Monitor } from "./monitor";

function send(event: WorkerEvent): void {
  if (process.send && process.connected) process.send(event);
}

async function main(): Promise<void> {
  const db = getDb();
  let announced = false;
  const monitor = new Monitor(db, (json, { demo }) => {
    if (!announced) {
      announced = true;
      send({ type: "ready", demo, simulatorUrl: monitor.demoCluster?.url });
    }
    send({ type: "state", json });
  });

  process.on("message", (raw) => {
    const cmd = raw as WorkerCommand;
    if (cmd.type === "reload-config") monitor.reload();
    else if (cmd.type === "poll-now") monitor.pollNow();
  });

  const shutdown = async () => {
    await monitor.stop();
    await db.$disconnect().catch(() => {});
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown());
  process.once("SIGINT", () => void shutdown());
  // The server going away closes the IPC channel: don't outlive it.
  process.once("disconnect", () => void shutdown());

  monitor.start();
}

main().catch((err) => {
  logger.fatal({ err }, "worker failed to start");
  process.exit(1);
});
