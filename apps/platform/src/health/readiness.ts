import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { Readiness as ReadinessReport, ReadinessProbe } from '#operations';
import { DrainState } from '../lifecycle/drain-state.js';

/** Each check `ok`, or what is wrong with it. */
export interface ReadinessAnswer extends ReadinessReport {
  checks: { drain: 'ok' | 'draining'; eventStore: 'ok' | 'unavailable' };
  /** The log's head, when the event store answered. */
  headPosition: number | undefined;
}

/**
 * Whether this process (the platform's API or a worker) should get work: it is not shutting down,
 * and its event store answers a read. /readyz answers from it, and the instance registry records
 * it with every heartbeat.
 */
@Injectable()
export class Readiness implements ReadinessProbe {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly drain: DrainState,
  ) {}

  async check(): Promise<ReadinessAnswer> {
    const headPosition = await this.store.headPosition().catch(() => undefined);
    const checks = { drain: this.drain.draining ? 'draining' : 'ok', eventStore: headPosition === undefined ? 'unavailable' : 'ok' } as const;
    return { ready: checks.drain === 'ok' && checks.eventStore === 'ok', checks, headPosition };
  }
}
