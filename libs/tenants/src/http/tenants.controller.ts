import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth';
import type { CommandMetadata } from '#core';
import { CreateTenantCommand } from '../commands/create-tenant/create-tenant.command.js';
import { ListTenantsQuery } from '../queries/list-tenants/list-tenants.query.js';
import { PLATFORM_ADMIN_SCOPE } from '../tenant.events.js';
import { CreateTenantDto, TenantDto } from './create-tenant.dto.js';

/** Admin REST: the tenant registry, for platform administrators only. */
@ApiTags('tenants')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${PLATFORM_ADMIN_SCOPE}` })
@Controller('v1/tenants')
@Authenticated(PLATFORM_ADMIN_SCOPE)
export class TenantsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: TenantDto })
  @ApiConflictResponse({ description: 'a tenant with this id exists' })
  async create(@Body() body: CreateTenantDto, @CallerMetadata() metadata: CommandMetadata): Promise<{ id: string; name: string }> {
    return this.commandBus.execute(new CreateTenantCommand(metadata, body.id, body.name));
  }

  @Get()
  @ApiOkResponse({ type: [TenantDto] })
  list(): Promise<TenantDto[]> {
    return this.queryBus.execute(new ListTenantsQuery());
  }
}
