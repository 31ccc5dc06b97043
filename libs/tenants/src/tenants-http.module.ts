import { Module } from '@nestjs/common';
import { TenantsController } from './http/tenants.controller.js';

/** The registry's admin REST, apart from the registry itself: processes without an API (workers) leave it out. */
@Module({ controllers: [TenantsController] })
export class TenantsHttpModule {}
