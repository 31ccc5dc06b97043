import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { CONFIRMATION_POLICY_SCOPE, ConfirmationPolicy, type UnconfirmableClients } from './confirmation-policy.js';

export class ConfirmationPolicyDto {
  @ApiProperty({ enum: ['refuse', 'allow'], description: "sensitive calls from clients that cannot ask the person to confirm (every 2025-era client, 2026-07-28 ones without elicitation): refused (the default) or run unconfirmed" })
  @Allow() // checked by the policy, which gives its own typed error
  unconfirmableClients!: UnconfirmableClients;
}

export class ConfirmationPolicyResultDto extends ConfirmationPolicyDto {
  @ApiProperty({ description: 'false when the policy already was this' }) changed!: boolean;
}

/** The caller's tenant's policy on sensitive calls from clients that cannot ask for a confirmation. */
@ApiTags('mcp')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${CONFIRMATION_POLICY_SCOPE}` })
@Controller('v1/mcp/confirmation-policy')
@Authenticated(CONFIRMATION_POLICY_SCOPE)
export class ConfirmationPolicyController {
  constructor(private readonly policy: ConfirmationPolicy) {}

  @Get()
  @ApiOkResponse({ type: ConfirmationPolicyDto })
  async get(@CallerMetadata() metadata: CommandMetadata): Promise<{ unconfirmableClients: UnconfirmableClients }> {
    return { unconfirmableClients: await this.policy.of(metadata.tenantId) };
  }

  @Put()
  @ApiOkResponse({ type: ConfirmationPolicyResultDto, description: 'the policy now, and whether it changed' })
  @ApiBadRequestResponse({ description: 'confirmation.invalid_policy: nothing is appended' })
  set(@Body() body: ConfirmationPolicyDto, @CallerMetadata() metadata: CommandMetadata): Promise<{ unconfirmableClients: UnconfirmableClients; changed: boolean }> {
    return this.policy.set({ ...metadata, tool: 'PUT /v1/mcp/confirmation-policy' }, typeof body === 'object' && body !== null ? body.unconfirmableClients : undefined);
  }
}
