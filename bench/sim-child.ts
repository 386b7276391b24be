/** Runs a simulator in its own process so its CPU does not count against Pulse's. */
import { startSimulator } from "../sim";

const nodes = Number(process.env.SIM_NODES ?? 50);
const guests = Number(process.env.SIM_GUESTS ?? 3000);
const sim = await startSimulator({ host: "127.0.0.1", port: 0, nodes, guests, clusterName: "bench", unauthorizedDelayMs: 0 });
process.send?.({ url: sim.url, fingerprint: sim.fingerprint });
process.on("disconnect", () => void sim.close().then(() => process.exit(0)));
