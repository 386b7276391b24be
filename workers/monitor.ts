/**
 * The monitor loop: every polling interval, poll every configured PVE instance
 * concurrently (each with its own deadline inside the poller), assemble one snapshot,
 * publish it and persist it. A failing instance is retried with backoff while the others
 * keep updating; its last result (marked offline by the poller's grace rules) stays in
 * the snapshot meanwhile.
 */
import { cpuUsage } from "node:process";
import { getEnv } from "../lib/config/env";
import { clampPollingInterval, normalizeSettings, SETTINGS_KEY, type SystemSettings } from "../lib/config/system-settings";
import type { Db } from "../lib/db/client";
import { listNodeConfigs, type NodeConfig } from "../lib/db/node-configs";
import { getSetting } from "../lib/db/settings";
import { saveStateSnapshot } from "../lib/db/state-snapshot";
import { logger } from "../lib/logger";
import type { PveInstanceConfig } from "../lib/proxmox/config";
import { PvePoller } from "../lib/monitoring/pve-poller";
import type { PveInstanceState } from "../lib/state/models";
import { assembleState } from "../lib/state/snapshot";
import { type DemoCluster, startDemoCluster } from "./demo";

const MAX_BACKOFF_MS = 5 * 60_000;

interface Instance {
  key: string;
  poller: PvePoller;
  last?: PveInstanceState;
  failures: number;
  nextAttemptAt: number;
}

export function toPveInstanceConfig(c: NodeConfig): PveInstanceConfig {
  const o = c.options as Record<string, unknown>;
  return {
    name: c.name,
    host: c.host,
    user: c.user,
    password: c.password,
    tokenName: c.tokenName,
    tokenValue: c.tokenValue,
    fingerprint: c.fingerprint,
    verifySsl: c.verifySsl,
    isCluster: c.isCluster,
    clusterName: c.clusterName,
    clusterEndpoints: c.clusterEndpoints,
    monitorVMs: o.monitorVMs !== false,
    monitorContainers: o.monitorContainers !== false,
    monitorStorage: o.monitorStorage !== false,
  };
}

export class Monitor {
  private instances = new Map<string, Instance>();
  private demo?: DemoCluster;
  private settings: SystemSettings = normalizeSettings({});
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private configDirty = true;

  constructor(
    private readonly db: Db,
    private readonly publish: (json: string, state: { demo: boolean }) => void,
  ) {}

  get demoCluster(): DemoCluster | undefined {
    return this.demo;
  }

  intervalMs(): number {
    const env = getEnv();
    if (env.PULSE_POLL_INTERVAL_MS) return env.PULSE_POLL_INTERVAL_MS;
    return clampPollingInterval(env.PVE_POLLING_INTERVAL ?? this.settings.pvePollingInterval) * 1000;
  }

  /** Config changed through the API: reload before the next cycle, which starts now. */
  reload(): void {
    this.configDirty = true;
    this.pollNow();
  }

  pollNow(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.cycle(), 0);
  }

  start(): void {
    this.pollNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
    for (const i of this.instances.values()) i.poller.close();
    this.instances.clear();
    await this.demo?.close();
    this.demo = undefined;
  }

  private async loadConfig(): Promise<void> {
    // Cleared first: a reload requested while this one runs must trigger another.
    this.configDirty = false;
    this.settings = normalizeSettings(await getSetting(this.db, SETTINGS_KEY));
    const configs = await listNodeConfigs(this.db);
    const pve = configs.filter((c) => c.type === "pve").map(toPveInstanceConfig);
    const demoWanted = getEnv().PULSE_DEMO || this.settings.mockMode === true || (this.settings.mockMode === undefined && pve.length === 0);

    const wanted: PveInstanceConfig[] = [];
    if (demoWanted) {
      this.demo ??= await startDemoCluster();
      wanted.push(this.demo.config);
    } else if (this.demo) {
      await this.demo.close();
      this.demo = undefined;
    }
    if (!demoWanted || getEnv().PULSE_DEMO) wanted.push(...pve);

    // Pollers keep their rate and grace history unless the instance's config changed.
    const next = new Map<string, Instance>();
    for (const cfg of wanted) {
      const key = JSON.stringify(cfg);
      const existing = [...this.instances.values()].find((i) => i.key === key);
      next.set(cfg.name, existing ?? { key, poller: new PvePoller(cfg, { logger }), failures: 0, nextAttemptAt: 0 });
    }
    for (const [, inst] of this.instances) if (![...next.values()].includes(inst)) inst.poller.close();
    this.instances = next;
  }

  private cycle(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.runCycle()
      .catch((err) => logger.error({ err }, "poll cycle failed"))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => void this.cycle(), this.intervalMs());
      });
    return this.running;
  }

  private async runCycle(): Promise<void> {
    if (this.configDirty) await this.loadConfig();
    const started = Date.now();
    const cpuBefore = cpuUsage();
    const interval = this.intervalMs();

    await Promise.all(
      [...this.instances.values()].map(async (inst) => {
        if (inst.nextAttemptAt > started) return;
        const result = await inst.poller.poll();
        inst.last = result;
        if (result.healthy) {
          inst.failures = 0;
          inst.nextAttemptAt = 0;
        } else {
          inst.failures++;
          inst.nextAttemptAt = Date.now() + Math.min(MAX_BACKOFF_MS, interval * 2 ** (inst.failures - 1));
          logger.warn({ instance: result.instance, error: result.error, failures: inst.failures }, "instance poll failed");
        }
      }),
    );

    const cpu = cpuUsage(cpuBefore);
    const results = [...this.instances.values()].flatMap((i) => (i.last ? [i.last] : []));
    const state = assembleState(results, {
      isDemo: !!this.demo,
      performance: {
        lastPollDurationMs: Date.now() - started,
        lastPollCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        pollingIntervalSeconds: interval / 1000,
        instances: results.length,
      },
    });
    const json = JSON.stringify(state);
    this.publish(json, { demo: !!this.demo });
    await saveStateSnapshot(this.db, json).catch((err) => logger.warn({ err }, "could not persist state snapshot"));
  }
}
