import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'node:os';
import { v7 as uuidv7 } from 'uuid';
import { PRUNE_AFTER_MS, type InstanceIdentity, type InstanceRole } from './instance.js';
import { InstanceRegistry } from './instance-registry.js';
import { processVersion } from './process-version.js';
import { READINESS_PROBE, type ReadinessProbe } from './readiness.port.js';

export interface InstanceHeartbeatSettings {
  role: InstanceRole;
  intervalMs: number;
}

export const INSTANCE_HEARTBEAT_SETTINGS = Symbol('INSTANCE_HEARTBEAT_SETTINGS');

/** Old entries are pruned at the start and about this often after. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * This process's entry in the instance registry: one upsert every `intervalMs` (what the
 * readiness probe says, and that it is alive), and `stopped` on a graceful shutdown, before the
 * stores close. A beat is not taken while the previous one is under way, so a slow store never
 * piles them up. A store that fails is said once, and again when it answers.
 */
@Injectable()
export class InstanceHeartbeat implements OnApplicationBootstrap, OnModuleDestroy {
  readonly identity: InstanceIdentity;
  private readonly logger = new Logger(InstanceHeartbeat.name);
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private stopped = false;
  private failing = false;
  private lastPrune = 0;

  constructor(
    @Inject(INSTANCE_HEARTBEAT_SETTINGS) private readonly settings: InstanceHeartbeatSettings,
    @Inject(READINESS_PROBE) private readonly probe: ReadinessProbe,
    private readonly registry: InstanceRegistry,
  ) {
    this.identity = {
      instanceId: uuidv7(), role: settings.role, host: hostname(), pid: process.pid, version: processVersion(), startedAt: Date.now(), heartbeatMs: settings.intervalMs,
    };
  }

  /** The first beat lands before the process says it is up. */
  async onApplicationBootstrap(): Promise<void> {
    this.beating = this.beat();
    await this.beating;
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    await this.registry.stop(this.identity.instanceId, Date.now()).catch((error: unknown) => this.logger.warn(`could not mark this instance stopped: ${String(error)}`));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat().finally(() => this.schedule());
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      const readiness = await this.probe.check();
      const now = Date.now();
      await this.registry.beat(this.identity, now, readiness);
      if (now - this.lastPrune >= PRUNE_EVERY_MS) {
        await this.registry.prune(now - PRUNE_AFTER_MS);
        this.lastPrune = now;
      }
      if (this.failing) this.logger.log('instance heartbeat recorded again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`instance heartbeat not recorded (tried again every ${this.settings.intervalMs} ms): ${String(error)}`);
      this.failing = true;
    }
  }
}
