/** Size of a `stateDelta` against a full `rawData` between two polls of a 50-node / 3,000-guest cluster. */
import { DEFAULT_TOKEN, startSimulator } from "../sim";
import { PvePoller } from "../lib/monitoring/pve-poller";
import { diffState } from "../lib/realtime/delta";
import { buildResources } from "../lib/state/resources";
import { assembleState } from "../lib/state/snapshot";

const sim = await startSimulator({ nodes: 50, guests: 3000, clusterName: "bench", unauthorizedDelayMs: 0, updateIntervalMs: 1000 });
const poller = new PvePoller({ name: "bench", host: sim.url, tokenName: DEFAULT_TOKEN.tokenId, tokenValue: DEFAULT_TOKEN.secret, verifySsl: false });
const snap = async () => {
  const state = assembleState([await poller.poll()]);
  return { ...state, resources: buildResources(state) };
};
await snap();
sim.advance(10);
const a = await snap();
sim.advance(10);
const b = await snap();
const full = Buffer.byteLength(JSON.stringify(b));
const delta = Buffer.byteLength(JSON.stringify(diffState(a, b)));
console.log(JSON.stringify({ rawDataBytes: full, stateDeltaBytes: delta, ratio: +(delta / full).toFixed(3) }));
await poller.close();
await sim.close();
