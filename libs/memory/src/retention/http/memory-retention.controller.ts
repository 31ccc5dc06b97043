import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { MAX_RETENTION_DAYS, MEMORY_ADMIN_SCOPE } from '../memory-retention.js';
import { readMemoryRetention, setMemoryRetention, type MemoryRetention } from '../set-memory-retention.js';

export class MemoryRetentionDto {
  @ApiProperty({ nullable: true, type: 'integer', minimum: 1, maximum: MAX_RETENTION_DAYS, example: 90, description: 'items not updated for this many days expire; null keeps memory forever' })
  @Allow() // checked by the decider, which gives its own typed error
  days!: number | null;
}

export class MemoryRetentionResultDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ nullable: true, type: 'integer' }) days!: number | null;
  @ApiProperty({ description: 'false when the retention already was this' }) changed!: boolean;
}

/** The caller's tenant's memory retention. */
@ApiTags('memory')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${MEMORY_ADMIN_SCOPE}` })
@Controller('v1/memory/retention')
@Authenticated(MEMORY_ADMIN_SCOPE)
export class MemoryRetentionController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOkResponse({ type: MemoryRetentionDto })
  async get(@CallerMetadata() metadata: CommandMetadata): Promise<{ days: number | null }> {
    return { days: await readMemoryRetention(this.store, metadata.tenantId) };
  }

  @Put()
  @ApiOkResponse({ type: MemoryRetentionResultDto, description: 'the retention now, and whether it changed' })
  @ApiBadRequestResponse({ description: 'days out of range: nothing is appended' })
  set(@Body() body: MemoryRetentionDto, @CallerMetadata() metadata: CommandMetadata): Promise<MemoryRetention> {
    return setMemoryRetention(this.store, { ...metadata, tool: 'PUT /v1/memory/retention' }, typeof body === 'object' && body !== null && 'days' in body ? body.days : undefined);
  }
}
