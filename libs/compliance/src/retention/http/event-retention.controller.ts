import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { COMPLIANCE_ADMIN_SCOPE, MAX_EVENT_RETENTION_DAYS, MIN_EVENT_RETENTION_DAYS } from '../event-retention.js';
import { readEventRetention, setEventRetention, type EventRetention } from '../set-event-retention.js';

export const EVENT_RETENTION_PATH = 'v1/compliance/retention';

export class EventRetentionDto {
  @ApiProperty({
    nullable: true, type: Number, minimum: MIN_EVENT_RETENTION_DAYS, maximum: MAX_EVENT_RETENTION_DAYS, example: 365,
    description: 'closed streams (finished runs, completed exports) whose last event is older than this many days are archived out of the live store; null keeps every event',
  })
  @Allow() // checked by the decider, which gives its own typed error
  days!: number | null;
}

export class EventRetentionResultDto extends EventRetentionDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ description: 'false when the tenant had this retention already (nothing appended)' }) changed!: boolean;
}

/** The caller's tenant's event retention (the tenant comes from the token only). */
@ApiTags('compliance')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${COMPLIANCE_ADMIN_SCOPE}` })
@Controller(EVENT_RETENTION_PATH)
@Authenticated(COMPLIANCE_ADMIN_SCOPE)
export class EventRetentionController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOkResponse({ type: EventRetentionDto })
  async get(@CallerMetadata() metadata: CommandMetadata): Promise<{ days: number | null }> {
    return { days: await readEventRetention(this.store, metadata.tenantId) };
  }

  @Put()
  @ApiOkResponse({ type: EventRetentionResultDto })
  @ApiBadRequestResponse({ description: 'days missing or out of range: nothing is appended' })
  set(@Body() body: EventRetentionDto, @CallerMetadata() metadata: CommandMetadata): Promise<EventRetention> {
    return setEventRetention(this.store, { ...metadata, tool: `PUT /${EVENT_RETENTION_PATH}` }, typeof body === 'object' && body !== null && 'days' in body ? body.days : undefined);
  }
}
