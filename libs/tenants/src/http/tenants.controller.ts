import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { CreateTenantCommand } from '../commands/create-tenant/create-tenant.command.js';
import { ResumeTenantCommand } from '../commands/resume-tenant/resume-tenant.command.js';
import { SuspendTenantCommand, type TenantStatusResult } from '../commands/suspend-tenant/suspend-tenant.command.js';
import { ListTenantsQuery } from '../queries/list-tenants/list-tenants.query.js';
import { PLATFORM_ADMIN_SCOPE } from '../tenant.events.js';
import { TENANT_ID } from '../tenant-id.js';
import { CreatedTenantDto, CreateTenantDto, TenantDto } from './create-tenant.dto.js';
import { SuspendTenantDto, TenantStatusDto } from './suspend-tenant.dto.js';

const ID_PARAM = { name: 'id', schema: { type: 'string' as const, pattern: TENANT_ID.source } };

/** Admin REST: the tenant registry, for platform administrators only. */
@ApiTags('tenants')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${PLATFORM_ADMIN_SCOPE}, or its own tenant is suspended (tenant.suspended)` })
@Controller('v1/tenants')
@Authenticated(PLATFORM_ADMIN_SCOPE)
export class TenantsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CreatedTenantDto })
  @ApiConflictResponse({ description: 'a tenant with this id exists' })
  async create(@Body() body: CreateTenantDto, @CallerMetadata() metadata: CommandMetadata): Promise<{ id: string; name: string }> {
    return this.commandBus.execute(new CreateTenantCommand(metadata, body.id, body.name));
  }

  @Get()
  @ApiOkResponse({ type: [TenantDto] })
  list(): Promise<TenantDto[]> {
    return this.queryBus.execute(new ListTenantsQuery());
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TenantStatusDto, description: "the tenant's tokens are refused (403 tenant.suspended) from within a second or two" })
  @ApiNotFoundResponse({ description: 'no tenant with this id (tenant.not_found)' })
  @ApiConflictResponse({ description: 'the tenant is already suspended (tenant.already_suspended)' })
  suspend(@Param('id') id: string, @Body() body: SuspendTenantDto, @CallerMetadata() metadata: CommandMetadata): Promise<TenantStatusResult> {
    return this.commandBus.execute(new SuspendTenantCommand(metadata, id, body.reason));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TenantStatusDto })
  @ApiNotFoundResponse({ description: 'no tenant with this id (tenant.not_found)' })
  @ApiConflictResponse({ description: 'the tenant is not suspended (tenant.not_suspended)' })
  resume(@Param('id') id: string, @CallerMetadata() metadata: CommandMetadata): Promise<TenantStatusResult> {
    return this.commandBus.execute(new ResumeTenantCommand(metadata, id));
  }
}
