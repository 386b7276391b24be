/**
 * Assembles the `/api/state` payload (Pulse's StateFrontend) from what each source
 * produced this cycle. Every top-level key is present; sources not built yet stay empty.
 */
import type { PveInstanceState, StateFrontend } from "./models";

export function emptyState(now = Date.now()): StateFrontend {
  const pveBackups = () => ({ backupTasks: [], storageBackups: [], guestSnapshots: [] });
  return {
    nodes: [],
    vms: [],
    containers: [],
    dockerHosts: [],
    removedDockerHosts: [],
    kubernetesClusters: [],
    removedKubernetesClusters: [],
    hosts: [],
    storage: [],
    cephClusters: [],
    physicalDisks: [],
    pbs: [],
    pmg: [],
    pbsBackups: [],
    pmgBackups: [],
    backups: { pve: pveBackups(), pbs: [], pmg: [] },
    replicationJobs: [],
    activeAlerts: [],
    metrics: {},
    pveBackups: pveBackups(),
    performance: {},
    connectionHealth: {},
    stats: {},
    lastUpdate: now,
    temperatureMonitoringEnabled: true,
  };
}

export interface AssembleOptions {
  now?: number;
  isDemo?: boolean;
  performance?: Record<string, unknown>;
  stats?: Record<string, unknown>;
}

export function assembleState(instances: readonly PveInstanceState[], opts: AssembleOptions = {}): StateFrontend {
  const state = emptyState(opts.now);
  for (const inst of instances) {
    state.nodes.push(...inst.nodes);
    state.vms.push(...inst.vms);
    state.containers.push(...inst.containers);
    state.storage.push(...inst.storage);
    state.connectionHealth[inst.instance] = inst.healthy;
  }
  if (opts.isDemo) {
    state.isDemo = true;
    for (const list of [state.nodes, state.vms, state.containers, state.storage]) for (const item of list) item.isDemo = true;
  }
  state.performance = opts.performance ?? {};
  state.stats = opts.stats ?? {};
  return state;
}
