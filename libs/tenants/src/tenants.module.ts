import { Module } from '@nestjs/common';
import { CreateTenantHandler } from './commands/create-tenant/create-tenant.handler.js';
import { ListTenantsHandler } from './queries/list-tenants/list-tenants.handler.js';

/** The tenant registry: create and list tenants, kept as events under the platform tenant (REST in TenantsHttpModule). */
@Module({ providers: [CreateTenantHandler, ListTenantsHandler] })
export class TenantsModule {}
