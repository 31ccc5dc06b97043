// The tenant registry's Nest side: its modules (commands on the CQRS bus, the admin REST API) and the command the platform sends.
export * from './tenants.module.js';
export * from './tenants-http.module.js';
export { CreateTenantCommand } from './commands/create-tenant/create-tenant.command.js';
