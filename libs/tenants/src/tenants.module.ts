import { Module } from '@nestjs/common';
import { SuspendedTenants } from './access/suspended-tenants.js';
import { CreateTenantHandler } from './commands/create-tenant/create-tenant.handler.js';
import { ResumeTenantHandler } from './commands/resume-tenant/resume-tenant.handler.js';
import { SuspendTenantHandler } from './commands/suspend-tenant/suspend-tenant.handler.js';
import { ListTenantsHandler } from './queries/list-tenants/list-tenants.handler.js';

/**
 * The tenant registry: create, list, suspend and resume tenants, kept as events under the platform
 * tenant (REST in TenantsHttpModule); it refuses the tokens of suspended tenants (SuspendedTenants).
 */
@Module({ providers: [CreateTenantHandler, SuspendTenantHandler, ResumeTenantHandler, ListTenantsHandler, SuspendedTenants] })
export class TenantsModule {}
