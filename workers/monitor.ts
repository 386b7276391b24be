/**
 * The monitor: one polling loop per configured PVE instance, so a slow or failing
 * endpoint never holds the others back. Each loop polls every interval (backing off
 * while its instance fails; the poller's grace rules mark its resources offline
 * meanwhile). Results are coalesced for 100 ms into one snapshot, which is published to
 * the web process and persisted.
 */
import { cpuUsage } from "node:process";
import { getEnv } from "../lib/config/env";
import { clampPollingInterval, normalizeSettings, SETTINGS_KEY, type SystemSettings } from "../lib/config/system-settings";
import type { Db } from "../lib/db/client";
import { listNodeConfigs } from "../lib/db/node-configs";
import { getSetting } from "../lib/db/settings";
import { saveStateSnapshot } from "../lib/db/state-snapshot";
import { logger } from "../lib/logger";
import { PvePoller } from "../lib/monitoring/pve-poller";
import { toPveInstanceConfig } from "../lib/nodes/instance-config";
import type { PveInstanceConfig } from "../lib/proxmox/config";
import type { PveInstanceState } from "../lib/state/models";
import { assembleState } from "../lib/state/snapshot";
import { type DemoCluster, startDemoCluster } from "./demo";

const MAX_BACKOFF_MS = 5 * 60_000;
const PUBLISH_COALESCE_MS = 100;

/** Polls one instance on its own schedule. */
class InstanceLoop {
  last?: PveInstanceState;
  lastDurationMs = 0;
  lastCpuMs = 0;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly poller: PvePoller;

  readonly name: string;

  constructor(
    config: PveInstanceConfig,
    private readonly intervalMs: () => number,
    private readonly onResult: () => void,
  ) {
    this.name = config.name;
    this.poller = new PvePoller(config, { logger });
  }

  pollNow(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.poller.close();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
  }

  private run(): Promise<void> {
    this.running ??= this.pollOnce().finally(() => {
      this.running = undefined;
      const again = this.again;
      this.again = false;
      // While an instance fails, retry at 1×, 2×, 4× … the interval, up to 5 minutes.
      const backoff = this.failures ? Math.min(MAX_BACKOFF_MS, this.intervalMs() * 2 ** (this.failures - 1)) : this.intervalMs();
      this.schedule(again ? 0 : backoff);
    });
    return this.running;
  }

  private async pollOnce(): Promise<void> {
    const started = Date.now();
    const cpuBefore = cpuUsage();
    const result = await this.poller.poll();
    const cpu = cpuUsage(cpuBefore);
    this.lastDurationMs = Date.now() - started;
    this.lastCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    this.last = result;
    if (result.healthy) this.failures = 0;
    else {
      this.failures++;
      logger.warn({ instance: result.instance, error: result.error, failures: this.failures }, "instance poll failed");
    }
    if (!this.stopped) this.onResult();
  }
}

export class Monitor {
  private loops = new Map<string, InstanceLoop>();
  private demo?: DemoCluster;
  private settings: SystemSettings = normalizeSettings({});
  private configTask: Promise<void> = Promise.resolve();
  private publishTimer?: NodeJS.Timeout;
  private persisting: Promise<unknown> = Promise.resolve();
  private unsaved?: string;
  private stopped = false;

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

  start(): void {
    this.reload();
  }

  /** Node configs or settings changed: reload them, then poll every instance now. */
  reload(): void {
    this.configTask = this.configTask
      .then(() => this.loadConfig())
      .catch((err) => logger.error({ err }, "could not load the node configuration"));
  }

  pollNow(): void {
    for (const loop of this.loops.values()) loop.pollNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.publishTimer);
    await this.configTask;
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    this.loops.clear();
    await this.demo?.close();
    this.demo = undefined;
    await this.persisting;
  }

  private async loadConfig(): Promise<void> {
    if (this.stopped) return;
    this.settings = normalizeSettings(await getSetting(this.db, SETTINGS_KEY));
    const configs = await listNodeConfigs(this.db);
    const pve = configs.filter((c) => c.type === "pve").map((c) => toPveInstanceConfig(c));
    const forced = getEnv().PULSE_DEMO;
    const demoWanted = forced || this.settings.mockMode === true || (this.settings.mockMode === undefined && pve.length === 0);

    if (demoWanted) this.demo ??= await startDemoCluster();
    const wanted = [...(this.demo && demoWanted ? [this.demo.config] : []), ...(!demoWanted || forced ? pve : [])];

    // A loop whose config is unchanged keeps running, with its rate and grace history.
    // (The key holds credentials: it never leaves this map.)
    const next = new Map<string, InstanceLoop>();
    for (const cfg of wanted) {
      const key = JSON.stringify(cfg);
      next.set(key, this.loops.get(key) ?? new InstanceLoop(cfg, () => this.intervalMs(), () => this.schedulePublish()));
    }
    await Promise.all([...this.loops].filter(([key]) => !next.has(key)).map(([, loop]) => loop.stop()));
    if (!demoWanted && this.demo) {
      await this.demo.close();
      this.demo = undefined;
    }
    this.loops = next;
    for (const loop of next.values()) loop.pollNow();
    this.schedulePublish();
  }

  private schedulePublish(): void {
    if (this.publishTimer || this.stopped) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publishNow();
    }, PUBLISH_COALESCE_MS);
  }

  private publishNow(): void {
    const loops = [...this.loops.values()];
    const results = loops.flatMap((l) => (l.last ? [l.last] : []));
    const latest = loops.reduce<InstanceLoop | undefined>((a, l) => (!a || (l.last?.polledAt ?? 0) > (a.last?.polledAt ?? 0) ? l : a), undefined);
    const state = assembleState(results, {
      isDemo: !!this.demo,
      performance: {
        lastPollDurationMs: latest?.lastDurationMs ?? 0,
        lastPollCpuMs: latest?.lastCpuMs ?? 0,
        pollingIntervalSeconds: this.intervalMs() / 1000,
        instances: Object.fromEntries(loops.map((l) => [l.name, { durationMs: l.lastDurationMs, healthy: l.last?.healthy ?? false }])),
      },
    });
    const json = JSON.stringify(state);
    this.publish(json, { demo: !!this.demo });
    // One write at a time, always of the newest snapshot; older ones still queued are skipped.
    this.unsaved = json;
    this.persisting = this.persisting.then(() => {
      const latestJson = this.unsaved;
      this.unsaved = undefined;
      if (latestJson) return saveStateSnapshot(this.db, latestJson).catch((err) => logger.warn({ err }, "could not persist state snapshot"));
    });
  }
}
