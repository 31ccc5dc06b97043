import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { EVENT_STORE, EVENT_STORE_SETTINGS, type EventStore, type EventStoreSettings } from '#event-store';
import { DrainState } from '../lifecycle/drain-state.js';

@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_SETTINGS) private readonly settings: EventStoreSettings,
    private readonly drain: DrainState,
  ) {}

  /** Liveness: the process answers HTTP. */
  @Get('healthz')
  @HttpCode(200)
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: not shutting down, and the event store answers a read. */
  @Get('readyz')
  async ready(): Promise<{ status: 'ready'; eventStore: string; headPosition: number }> {
    if (this.drain.draining) throw new ServiceUnavailableException({ status: 'draining', eventStore: this.settings.kind });
    try {
      return { status: 'ready', eventStore: this.settings.kind, headPosition: await this.store.headPosition() };
    } catch {
      throw new ServiceUnavailableException({ status: 'unavailable', eventStore: this.settings.kind });
    }
  }
}
