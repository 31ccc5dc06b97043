import { randomUUID } from 'node:crypto';
import { ValidationError, type CommandMetadata } from '#core';
import { createTenant, PLATFORM_TENANT, readTenantRegistry, resumeTenant, suspendTenant, type TenantView } from '#tenants';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';
import { DEFAULT_CLI_CLIENT_ID } from './token.command.js';

export const DEFAULT_OPERATOR = 'ops:cli';

interface OperatorOptions {
  operator: string;
  json?: boolean;
}

/**
 * `ledgerline tenants create|list|suspend|resume`: the tenant registry, written through the same
 * deciders and command handling as the REST API, straight into the environment's event store.
 * A running platform sees a suspension within a second or two.
 */
export function tenantsCommand(io: CliIo): Command {
  const tenants = new Command('tenants').description('the tenant registry (LEDGERLINE_DATA_DIR / DATABASE_URL, as the platform)');
  const operator = (command: Command): Command =>
    command.option('--operator <id>', 'who does it, recorded as the user of the event', DEFAULT_OPERATOR).option('--json', 'print JSON');
  operator(tenants.command('create').description('register a tenant').argument('<id>', 'tenant id').requiredOption('--name <name>', 'display name'))
    .action((id: string, options: OperatorOptions & { name: string }) =>
      withStores(io, async ({ store }) => print(io, options, await createTenant(store, metadataOf(options, 'tenants create'), { tenantId: id, name: options.name }), `created tenant ${id}`)),
    );
  tenants
    .command('list')
    .description('every registered tenant with its status')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withStores(io, async ({ store }) => {
        const list = await readTenantRegistry(store);
        if (options.json) io.stdout.write(`${JSON.stringify({ tenants: list })}\n`);
        else io.stdout.write(list.length === 0 ? 'no tenants registered\n' : `${list.map(describe).join('\n')}\n`);
      }),
    );
  operator(tenants.command('suspend').description("refuse the tenant's tokens (403 tenant.suspended) until it is resumed").argument('<id>', 'tenant id').requiredOption('--reason <text>', 'why (kept in the registry)'))
    .action((id: string, options: OperatorOptions & { reason: string }) =>
      withStores(io, async ({ store }) => print(io, options, await suspendTenant(store, metadataOf(options, 'tenants suspend'), { tenantId: id, reason: options.reason }), `suspended tenant ${id}`)),
    );
  operator(tenants.command('resume').description("accept the tenant's tokens again").argument('<id>', 'tenant id'))
    .action((id: string, options: OperatorOptions) =>
      withStores(io, async ({ store }) => print(io, options, await resumeTenant(store, metadataOf(options, 'tenants resume'), { tenantId: id }), `resumed tenant ${id}`)),
    );
  return tenants;
}

function metadataOf(options: OperatorOptions, command: string): CommandMetadata {
  if (!/^[\x21-\x7e]{1,256}$/.test(options.operator)) throw new ValidationError('cli.invalid_operator', 'an operator id is 1-256 printable characters without spaces');
  return { tenantId: PLATFORM_TENANT, userId: options.operator, clientId: DEFAULT_CLI_CLIENT_ID, scopes: [], tool: `cli:${command}`, correlationId: randomUUID() };
}

function print(io: CliIo, options: { json?: boolean }, result: object, text: string): void {
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${text}\n`);
}

function describe(tenant: TenantView): string {
  const status = tenant.status === 'suspended' ? `suspended since ${tenant.suspendedAt}: ${tenant.reason}` : 'active';
  return `${tenant.id}\t${tenant.name}\t${status}\tcreated ${tenant.createdAt}${tenant.createdBy ? ` by ${tenant.createdBy}` : ''}`;
}
