export * from './tenants.module.js';
export * from './tenant.events.js';
export { CreateTenantCommand } from './commands/create-tenant/create-tenant.command.js';
export { TenantExistsError } from './tenant.errors.js';
export * from './tenants-http.module.js';
export { tenantsProjection } from './projections/tenants.projection.js';
