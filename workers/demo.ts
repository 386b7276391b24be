/**
 * Demo mode: the Proxmox VE simulator on loopback, polled through the same client and
 * poller as a real cluster, so a fresh install shows a live dashboard.
 */
import { getEnv } from "../lib/config/env";
import type { PveInstanceConfig } from "../lib/proxmox/config";
import { DEFAULT_TOKEN, startSimulator } from "../sim";

export interface DemoCluster {
  config: PveInstanceConfig;
  url: string;
  close(): Promise<void>;
}

export const DEMO_INSTANCE = "demo";

export async function startDemoCluster(): Promise<DemoCluster> {
  const env = getEnv();
  const sim = await startSimulator({
    host: "127.0.0.1",
    port: env.PULSE_SIM_PORT,
    nodes: env.PULSE_SIM_NODES,
    guests: env.PULSE_SIM_GUESTS,
    clusterName: "demo-cluster",
  });
  return {
    url: sim.url,
    config: {
      name: DEMO_INSTANCE,
      host: sim.url,
      tokenName: DEFAULT_TOKEN.tokenId,
      tokenValue: DEFAULT_TOKEN.secret,
      fingerprint: sim.fingerprint,
      verifySsl: false,
      isCluster: true,
      clusterName: "demo-cluster",
    },
    close: () => sim.close(),
  };
}
