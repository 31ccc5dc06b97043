import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { GRANTS_ADMIN_SCOPE, GRANTS_MANAGE_SCOPE } from '../../identity-scopes.js';
import { Delegations, type DelegationPage, type RevokedDelegation } from '../delegations.js';
import { DelegationPageDto, RevokedDelegationDto } from './grant.dto.js';
import { ApiDelegationQuery, delegationQueryOf, GRANT_ID_PARAM } from './grant-query.js';

const BAD_QUERY = 'identity.grant.invalid_filter, identity.grant.invalid_cursor';

/**
 * Delegations over REST: the caller's own (`/v1/grants`, the twins of grant_list and grant_revoke)
 * and, for its administrators, every one of the caller's tenant (`/v1/admin/grants`).
 */
@ApiTags('grants')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: 'the token lacks the scope, or its tenant is suspended' })
@Controller('v1')
export class GrantsController {
  constructor(private readonly delegations: Delegations) {}

  @Get('grants')
  @Authenticated(GRANTS_MANAGE_SCOPE)
  @ApiDelegationQuery('own')
  @ApiOkResponse({ type: DelegationPageDto, description: "the caller's grants, newest first" })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  listOwn(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<DelegationPage> {
    return this.delegations.listOwn(metadata, delegationQueryOf(query, 'own'));
  }

  @Delete('grants/:id')
  @Authenticated(GRANTS_MANAGE_SCOPE)
  @GRANT_ID_PARAM
  @ApiOkResponse({ type: RevokedDelegationDto, description: 'refresh refused at once, its access tokens within a second on every instance' })
  @ApiNotFoundResponse({ description: "no such grant of the caller (identity.grant.not_found): another person's or tenant's answers the same" })
  revokeOwn(@Param('id') id: string, @CallerMetadata() metadata: CommandMetadata): Promise<RevokedDelegation> {
    return this.delegations.revokeOwn(metadata, id);
  }

  @Get('admin/grants')
  @Authenticated(GRANTS_ADMIN_SCOPE)
  @ApiDelegationQuery('tenant')
  @ApiOkResponse({ type: DelegationPageDto, description: "the tenant's grants, newest first, optionally of one person or one client" })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  listTenant(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<DelegationPage> {
    return this.delegations.listTenant(metadata, delegationQueryOf(query, 'tenant'));
  }

  @Delete('admin/grants/:id')
  @Authenticated(GRANTS_ADMIN_SCOPE)
  @GRANT_ID_PARAM
  @ApiOkResponse({ type: RevokedDelegationDto, description: 'recorded as revoked_by_admin' })
  @ApiNotFoundResponse({ description: "no such grant in the caller's tenant (identity.grant.not_found)" })
  revokeAny(@Param('id') id: string, @CallerMetadata() metadata: CommandMetadata): Promise<RevokedDelegation> {
    return this.delegations.revokeAny(metadata, id);
  }
}
