/** `npm run sim`: run the PVE API simulator standalone (demo mode, manual poking, benchmarks). */
import { parseArgs } from "node:util";
import { DEFAULT_TOKEN, DEFAULT_USER, startSimulator } from "./index";

const USAGE = `usage: tsx sim/cli.ts [--port 8006] [--host 127.0.0.1] [--nodes 3] [--guests 24]
                      [--cluster NAME | --standalone] [--seed N] [--pve 8|9]
                      [--per-node-addresses] [--update-ms 10000] [--no-control]`;

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      nodes: { type: "string" },
      guests: { type: "string" },
      cluster: { type: "string" },
      standalone: { type: "boolean" },
      seed: { type: "string" },
      pve: { type: "string" },
      "per-node-addresses": { type: "boolean" },
      "update-ms": { type: "string" },
      "no-control": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const pve = int("pve", values.pve, 9);
  if (pve !== 8 && pve !== 9) {
    console.error(`--pve must be 8 or 9\n${USAGE}`);
    process.exit(2);
  }
  const sim = await startSimulator({
    port: int("port", values.port, 8006),
    host: values.host,
    nodes: values.standalone ? undefined : int("nodes", values.nodes, 3),
    guests: int("guests", values.guests, 24),
    clusterName: values.standalone ? null : (values.cluster ?? "pulse-sim"),
    seed: int("seed", values.seed, 1),
    pveVersion: pve,
    perNodeAddresses: values["per-node-addresses"] ?? false,
    updateIntervalMs: int("update-ms", values["update-ms"], 10_000),
    control: !values["no-control"],
  });
  console.log(`Proxmox VE simulator listening on ${sim.url} (${sim.nodes.length} nodes: ${sim.nodes.join(", ")})`);
  console.log(`fingerprint: ${sim.fingerprint}`);
  console.log(`API token:   ${DEFAULT_TOKEN.tokenId}  secret ${DEFAULT_TOKEN.secret}`);
  console.log(`user:        ${DEFAULT_USER.username}  password ${DEFAULT_USER.password}`);
  if (!values["no-control"]) console.log(`control API: ${sim.url}/_sim/state`);
  const stop = () => {
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
