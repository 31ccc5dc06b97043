import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { CLIENTS_ADMIN_SCOPE, GRANTS_ADMIN_SCOPE } from '../../identity-scopes.js';
import { ClientDisabling, type DisabledClient } from '../client-disabling.js';
import { TenantClients, type NewClient, type TenantClient } from '../tenant-clients.js';
import { DisableClientDto, DisabledClientDto, NewClientDto, RegisterClientDto, TenantClientListDto } from './client.dto.js';

/** The caller's tenant's own clients (clients:admin), and disabling any client for the tenant (grants:admin). */
@ApiTags('clients')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@Controller('v1/admin/clients')
export class ClientsController {
  constructor(
    private readonly clients: TenantClients,
    private readonly disabling: ClientDisabling,
  ) {}

  @Post()
  @HttpCode(201)
  @Authenticated(CLIENTS_ADMIN_SCOPE)
  @ApiCreatedResponse({ type: NewClientDto, description: 'the client; a service principal\'s secret is in this answer only' })
  @ApiBadRequestResponse({ description: 'identity.client.invalid_name, invalid_kind, unknown_scope, scope_not_allowed, scopes_required, redirect_uri_required, redirect_uri_not_allowed, invalid_redirect_uri: nothing is registered' })
  @ApiForbiddenResponse({ description: `the token lacks ${CLIENTS_ADMIN_SCOPE}, its tenant is suspended, or it asks for a scope the caller does not hold (identity.client.scope_not_held)` })
  register(@Body() body: RegisterClientDto, @CallerMetadata() metadata: CommandMetadata): Promise<NewClient> {
    return this.clients.register(metadata, body, (scope) => metadata.scopes.includes(scope));
  }

  @Post(':clientId/disable')
  @HttpCode(200)
  @Authenticated(GRANTS_ADMIN_SCOPE)
  @ApiParam({ name: 'clientId', schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,2048}$' }, description: 'the client id (URL-encoded: a metadata document\'s is its URL)' })
  @ApiOkResponse({ type: DisabledClientDto, description: "its tokens in the tenant refused within a second, the tenant's grants of it revoked" })
  @ApiBadRequestResponse({ description: 'identity.client.invalid_id, identity.client.invalid_reason' })
  @ApiForbiddenResponse({ description: `the token lacks ${GRANTS_ADMIN_SCOPE}, or its tenant is suspended` })
  @ApiNotFoundResponse({ description: "no such client the tenant may disable (identity.client.not_found): another tenant's answers the same" })
  @ApiConflictResponse({ description: 'disabled already (identity.client.already_disabled)' })
  disable(@Param('clientId') clientId: string, @Body() body: DisableClientDto, @CallerMetadata() metadata: CommandMetadata): Promise<DisabledClient> {
    return this.disabling.disable(metadata, clientId, body.reason);
  }

  @Get()
  @Authenticated(CLIENTS_ADMIN_SCOPE)
  @ApiOkResponse({ type: TenantClientListDto, description: "the tenant's clients, newest first; never a secret" })
  @ApiForbiddenResponse({ description: `the token lacks ${CLIENTS_ADMIN_SCOPE}, or its tenant is suspended` })
  async list(@CallerMetadata() metadata: CommandMetadata): Promise<{ clients: TenantClient[] }> {
    return { clients: await this.clients.list(metadata.tenantId) };
  }
}
