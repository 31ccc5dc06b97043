import { Logger } from '@nestjs/common';
import type { GrantUsage, Principal } from '#auth';
import type { GrantUsageStore, GrantUse } from '../store/identity-store.port.js';

export const FLUSH_INTERVAL_MS = 60_000;

/**
 * When each grant was last used, noted in memory on every accepted token and written in one
 * batched upsert at most once a minute (and at shutdown): never a write per call. So a stored time
 * may lag by up to a minute per instance; this instance's answers take the later of the stored
 * time and its own unwritten one.
 */
export class GrantUsageRecorder implements GrantUsage {
  private pending = new Map<string, GrantUse>();
  /** The batch being written: still this instance's news until the write lands. */
  private writing = new Map<string, GrantUse>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly logger = new Logger('GrantUsageRecorder');

  constructor(
    private readonly store: GrantUsageStore,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and writes what is still pending. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  noteUse(principal: Principal): void {
    if (principal.grantId === undefined) return;
    this.pending.set(principal.grantId, { grantId: principal.grantId, tenantId: principal.tenantId, lastUsedAt: this.clock() });
  }

  /** One upsert of everything noted since the last; a failed batch is kept for the next. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** The tenant's grants' last use (epoch ms), absent for one never used. */
  async lastUsedOf(tenantId: string, grantIds: readonly string[]): Promise<Map<string, number>> {
    const times = await this.store.lastUsed(tenantId, grantIds);
    for (const grantId of grantIds) {
      const local = latest(this.pending.get(grantId), this.writing.get(grantId));
      if (local?.tenantId === tenantId && local.lastUsedAt > (times.get(grantId) ?? -Infinity)) times.set(grantId, local.lastUsedAt);
    }
    return times;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    this.writing = this.pending;
    this.pending = new Map();
    try {
      await this.store.record([...this.writing.values()]);
    } catch (error) {
      this.logger.warn(`grant usage not written, kept for the next flush: ${(error as Error).message}`);
      for (const use of this.writing.values()) this.pending.set(use.grantId, latest(use, this.pending.get(use.grantId))!);
    } finally {
      this.writing = new Map();
    }
  }
}

function latest(a: GrantUse | undefined, b: GrantUse | undefined): GrantUse | undefined {
  if (!a || !b) return a ?? b;
  return a.lastUsedAt >= b.lastUsedAt ? a : b;
}
