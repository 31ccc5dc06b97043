import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError, type CommandMetadata } from '#core';
import { ClientDirectory, ClientSecretSeal, GrantJournal, openIdentityStore, RevokedGrants, TenantClients, type TenantClient } from '#identity';
import { readTenantRegistry } from '#tenants';
import { Command } from 'commander';
import { PLATFORM_SCOPES } from '../../../platform/src/platform-scopes.js';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';
import { withSecretVault } from '../vault.js';
import { DEFAULT_OPERATOR } from './tenants.command.js';
import { DEFAULT_CLI_CLIENT_ID } from './token.command.js';

interface ClientOptions {
  tenant: string;
  operator: string;
  json?: boolean;
}

interface AddOptions extends ClientOptions {
  name: string;
  service?: boolean;
  scopes?: string;
  redirectUri: string[];
}

/**
 * `ledgerline clients add|list`: a tenant's own clients, as its admins register them over REST
 * (POST /v1/admin/clients), for operators: service principals (`--service`: client credentials,
 * the secret printed once and stored sealed) and interactive apps (`--redirect-uri`, repeatable).
 * The operator may give any of the platform's scopes but platform:admin.
 */
export function clientsCommand(io: CliIo): Command {
  const clients = new Command('clients').description("a tenant's own OAuth clients: service principals and interactive apps");
  const common = (command: Command): Command =>
    command.requiredOption('--tenant <id>', 'the tenant the client belongs to').option('--operator <id>', 'who does it, recorded as the user of the event', DEFAULT_OPERATOR).option('--json', 'print JSON');
  common(clients.command('add').description('register a client; a service principal\'s secret is printed once'))
    .requiredOption('--name <name>', 'shown on consent pages and in lists')
    .option('--service', 'a service principal: client credentials with a secret (else an interactive app)')
    .option('--scopes <scopes>', 'what it may hold at most, separated by spaces or commas (required with --service)')
    .option('--redirect-uri <uri>', 'where people are sent back (repeatable; required without --service)', (uri: string, all: string[]) => [...all, uri], [])
    .action((options: AddOptions) =>
      withTenantClients(io, options, async (tenantClients, metadata) => {
        const input = { name: options.name, kind: options.service ? 'service' : 'interactive', scopes: (options.scopes ?? '').split(/[\s,]+/).filter(Boolean), redirectUris: options.redirectUri };
        const added = await tenantClients.register(metadata('clients add'), input, () => true);
        if (options.json) io.stdout.write(`${JSON.stringify(added)}\n`);
        else io.stdout.write(`registered ${added.kind} client ${added.clientId} (${added.name}) in ${options.tenant}${added.clientSecret ? `\nclient secret (shown once): ${added.clientSecret}` : ''}\n`);
      }),
    );
  common(clients.command('list').description("the tenant's clients (never a secret)")).action((options: ClientOptions) =>
    withTenantClients(io, options, async (tenantClients) => {
      const list = await tenantClients.list(options.tenant);
      if (options.json) io.stdout.write(`${JSON.stringify({ clients: list })}\n`);
      else io.stdout.write(list.length === 0 ? `no clients registered in ${options.tenant}\n` : `${list.map(describe).join('\n')}\n`);
    }),
  );
  return clients;
}

function withTenantClients(io: CliIo, options: ClientOptions, work: (clients: TenantClients, metadata: (command: string) => CommandMetadata) => Promise<void>): Promise<void> {
  return withStores(io, async (stores) => {
    if (!/^[\x21-\x7e]{1,256}$/.test(options.operator)) throw new ValidationError('cli.invalid_operator', 'an operator id is 1-256 printable characters without spaces');
    if (!(await readTenantRegistry(stores.store)).some((known) => known.id === options.tenant)) {
      throw new NotFoundError('tenant.not_found', `no tenant ${options.tenant} (create it with: ledgerline tenants create ${options.tenant} --name …)`);
    }
    const identity = await openIdentityStore(stores.settings);
    try {
      const revoked = new RevokedGrants(identity.revocations);
      await revoked.poll();
      await withSecretVault(stores, (vault) => {
        const artifacts = identity.artifacts;
        const tenantClients = new TenantClients({
          artifacts, clientSecrets: new ClientSecretSeal(vault), directory: new ClientDirectory(artifacts), journal: new GrantJournal(stores.store),
          knownScopes: PLATFORM_SCOPES, isDisabled: (clientId) => revoked.isClientDisabled(clientId),
        });
        const metadata = (command: string): CommandMetadata => ({ tenantId: options.tenant, userId: options.operator, clientId: DEFAULT_CLI_CLIENT_ID, scopes: [], tool: `cli:${command}`, correlationId: randomUUID() });
        return work(tenantClients, metadata);
      });
    } finally {
      await identity.close();
    }
  });
}

function describe(client: TenantClient): string {
  const reach = client.kind === 'service' ? client.scopes.join(' ') : client.redirectUris.join(' ');
  return `${client.clientId}\t${client.kind}\t${client.name ?? ''}\t${client.disabled ? 'disabled' : 'active'}\t${reach}\tregistered ${client.registeredAt}`;
}
