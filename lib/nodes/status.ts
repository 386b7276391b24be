/** A configured node's connection status, read from the live state's `connectionHealth`. */
import type { NodeConfig } from "../db/node-configs";
import { getPublishedState } from "../state/store";
import type { NodeConnectionStatus } from "./present";

export async function connectionStatuses(configs: readonly NodeConfig[]): Promise<Map<string, NodeConnectionStatus>> {
  const { state } = await getPublishedState();
  return new Map(
    configs.map((c) => {
      const health = state.connectionHealth[c.name];
      return [c.id, health === undefined ? "pending" : health ? "connected" : "disconnected"];
    }),
  );
}
