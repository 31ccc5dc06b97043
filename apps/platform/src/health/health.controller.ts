import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE_SETTINGS, type EventStoreSettings } from '#event-store';
import { Readiness } from './readiness.js';

const STORE_KINDS = ['sqlite', 'postgres'];

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE_SETTINGS) private readonly settings: EventStoreSettings,
    private readonly readiness: Readiness,
  ) {}

  /** Liveness: the process answers HTTP. */
  @Get('healthz')
  @HttpCode(200)
  @ApiOkResponse({ description: 'the process answers', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness (Readiness): not shutting down, and the event store answers a read. */
  @Get('readyz')
  @ApiOkResponse({
    description: 'ready for traffic',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ready'] }, eventStore: { type: 'string', enum: STORE_KINDS }, headPosition: { type: 'integer', minimum: 0 } }, required: ['status', 'eventStore', 'headPosition'] },
  })
  @ApiServiceUnavailableResponse({
    description: 'shutting down (draining) or the event store does not answer (unavailable)',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['draining', 'unavailable'] }, eventStore: { type: 'string', enum: STORE_KINDS } }, required: ['status', 'eventStore'] },
  })
  async ready(): Promise<{ status: 'ready'; eventStore: string; headPosition: number }> {
    const { checks, headPosition } = await this.readiness.check();
    if (checks.drain !== 'ok') throw new ServiceUnavailableException({ status: 'draining', eventStore: this.settings.kind });
    if (headPosition === undefined) throw new ServiceUnavailableException({ status: 'unavailable', eventStore: this.settings.kind });
    return { status: 'ready', eventStore: this.settings.kind, headPosition };
  }
}
