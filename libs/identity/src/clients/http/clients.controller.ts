import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth';
import type { CommandMetadata } from '#core';
import { CLIENTS_ADMIN_SCOPE } from '../../identity-scopes.js';
import { TenantClients, type NewClient, type TenantClient } from '../tenant-clients.js';
import { NewClientDto, RegisterClientDto, TenantClientListDto } from './client.dto.js';

/** The caller's tenant's own clients, for its administrators. */
@ApiTags('clients')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@Controller('v1/admin/clients')
export class ClientsController {
  constructor(private readonly clients: TenantClients) {}

  @Post()
  @HttpCode(201)
  @Authenticated(CLIENTS_ADMIN_SCOPE)
  @ApiCreatedResponse({ type: NewClientDto, description: 'the client; a service principal\'s secret is in this answer only' })
  @ApiBadRequestResponse({ description: 'identity.client.invalid_name, invalid_kind, unknown_scope, scope_not_allowed, scopes_required, redirect_uri_required, redirect_uri_not_allowed, invalid_redirect_uri: nothing is registered' })
  @ApiForbiddenResponse({ description: `the token lacks ${CLIENTS_ADMIN_SCOPE}, its tenant is suspended, or it asks for a scope the caller does not hold (identity.client.scope_not_held)` })
  register(@Body() body: RegisterClientDto, @CallerMetadata() metadata: CommandMetadata): Promise<NewClient> {
    return this.clients.register(metadata, body, (scope) => metadata.scopes.includes(scope));
  }

  @Get()
  @Authenticated(CLIENTS_ADMIN_SCOPE)
  @ApiOkResponse({ type: TenantClientListDto, description: "the tenant's clients, newest first; never a secret" })
  @ApiForbiddenResponse({ description: `the token lacks ${CLIENTS_ADMIN_SCOPE}, or its tenant is suspended` })
  async list(@CallerMetadata() metadata: CommandMetadata): Promise<{ clients: TenantClient[] }> {
    return { clients: await this.clients.list(metadata.tenantId) };
  }
}
