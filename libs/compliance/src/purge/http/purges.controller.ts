import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, type ApiBodyOptions, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { PersonalDataVault } from '#keys';
import { parsePurgeTarget, purgePersonalData, SUBJECT, type PurgeResult } from '../purge-personal-data.js';
import { COMPLIANCE_PURGE_SCOPE } from '../purge.events.js';

export class PurgeRequestDto {
  @ApiPropertyOptional({ example: 'alice', description: 'the data subject: a user id of the caller\'s tenant' })
  @Allow() // checked by parsePurgeTarget, which gives the purge's own typed errors
  subject?: string;

  @ApiPropertyOptional({ description: 'true to shred everything the tenant holds keys for (all personal data and connector secrets)' })
  @Allow()
  wholeTenant?: boolean;
}

/** What parsePurgeTarget accepts: a subject, or the whole tenant — exactly one. */
const PURGE_REQUEST_SCHEMA: NonNullable<Extract<ApiBodyOptions, { schema?: unknown }>['schema']> = {
  oneOf: [
    {
      type: 'object', additionalProperties: false, required: ['subject'],
      properties: { subject: { type: 'string', pattern: SUBJECT.source, example: 'alice' }, wholeTenant: { type: 'boolean', enum: [false] } },
    },
    { type: 'object', additionalProperties: false, required: ['wholeTenant'], properties: { wholeTenant: { type: 'boolean', enum: [true] } } },
  ],
};

export class PurgeResultDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ example: { kind: 'subject', subject: 'alice' } }) target!: object;
  @ApiProperty({ description: 'data keys destroyed now (0 when a previous purge already did)' }) keysDestroyed!: number;
  @ApiProperty({ description: 'global position of the PurgeCompleted event' }) position!: number;
}

/** Crypto-shredding on request, in the caller's own tenant (the tenant comes from the token only). */
@ApiTags('compliance')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${COMPLIANCE_PURGE_SCOPE}` })
@Controller('v1/compliance/purges')
@Authenticated(COMPLIANCE_PURGE_SCOPE)
export class PurgesController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalDataVault,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiBody({ schema: PURGE_REQUEST_SCHEMA })
  @ApiOkResponse({ type: PurgeResultDto })
  @ApiBadRequestResponse({ description: 'neither or both of subject and wholeTenant, or a malformed subject: nothing is appended or destroyed' })
  purge(@Body() body: PurgeRequestDto, @CallerMetadata() metadata: CommandMetadata): Promise<PurgeResult> {
    const target = parsePurgeTarget(typeof body === 'object' && body !== null ? body : {});
    return purgePersonalData(this.store, this.personalData, { ...metadata, tool: 'POST /v1/compliance/purges' }, target);
  }
}
