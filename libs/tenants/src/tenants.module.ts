import { Module } from '@nestjs/common';
import { CreateTenantHandler } from './commands/create-tenant/create-tenant.handler.js';
import { TenantsController } from './http/tenants.controller.js';
import { ListTenantsHandler } from './queries/list-tenants/list-tenants.handler.js';

/** The tenant registry: create and list tenants (admin REST), kept as events under the platform tenant. */
@Module({ controllers: [TenantsController], providers: [CreateTenantHandler, ListTenantsHandler] })
export class TenantsModule {}
