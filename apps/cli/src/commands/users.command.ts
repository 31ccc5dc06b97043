import { randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '#core';
import { LocalAccounts, openIdentityStore } from '#identity';
import { readTenantRegistry } from '#tenants';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';
import { DEFAULT_OPERATOR } from './tenants.command.js';

interface UserOptions {
  tenant: string;
  operator: string;
  json?: boolean;
  passwordStdin?: boolean;
}

/**
 * `ledgerline users add|list|disable|enable|set-password`: local accounts of the built-in
 * authorization server (passwords hashed with scrypt; the hash lives in the identity store, never
 * in an event). Each change is also an event in the tenant's `account-<user>` stream.
 */
export function usersCommand(io: CliIo): Command {
  const users = new Command('users').description('local accounts for signing in to the built-in authorization server');
  const common = (command: Command): Command =>
    command.requiredOption('--tenant <id>', 'the tenant the account belongs to').option('--operator <id>', 'who does it, recorded as the user of the event', DEFAULT_OPERATOR).option('--json', 'print JSON');
  common(users.command('add').description('create an account; prints a generated password unless --password-stdin').argument('<username>', 'the user id tokens carry as sub'))
    .option('--password-stdin', 'read the password from standard input (first line)')
    .action((username: string, options: UserOptions) =>
      withAccounts(io, options, async (accounts, record) => {
        const password = options.passwordStdin ? await passwordFromStdin(io) : randomBytes(18).toString('base64url');
        await accounts.add(options.tenant, username, password);
        await record(username, 'LocalAccountAdded');
        if (options.json) io.stdout.write(`${JSON.stringify({ tenant: options.tenant, username, ...(!options.passwordStdin && { password }) })}\n`);
        else io.stdout.write(`added ${username} to ${options.tenant}${options.passwordStdin ? '' : `; password (shown once): ${password}`}\n`);
      }),
    );
  common(users.command('list').description("the tenant's accounts")).action((options: UserOptions) =>
    withAccounts(io, options, async (accounts) => {
      const list = (await accounts.list(options.tenant)).map((account) => ({ username: account.username, disabled: account.disabled, createdAt: new Date(account.createdAt).toISOString(), locked: account.lockedUntil > Date.now() }));
      if (options.json) io.stdout.write(`${JSON.stringify({ users: list })}\n`);
      else io.stdout.write(list.length === 0 ? `no accounts in ${options.tenant}\n` : `${list.map((u) => `${u.username}\t${u.disabled ? 'disabled' : 'active'}${u.locked ? ' (locked)' : ''}\tcreated ${u.createdAt}`).join('\n')}\n`);
    }),
  );
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    common(users.command(name).description(disabled ? 'refuse sign-in and refresh for the account' : 'allow the account again').argument('<username>'))
      .action((username: string, options: UserOptions) =>
        withAccounts(io, options, async (accounts, record) => {
          await accounts.setDisabled(options.tenant, username, disabled);
          await record(username, disabled ? 'LocalAccountDisabled' : 'LocalAccountEnabled');
          io.stdout.write(options.json ? `${JSON.stringify({ tenant: options.tenant, username, disabled })}\n` : `${name}d ${username} in ${options.tenant}\n`);
        }),
      );
  }
  common(users.command('set-password').description('replace the password (read from standard input)').argument('<username>'))
    .action((username: string, options: UserOptions) =>
      withAccounts(io, options, async (accounts, record) => {
        await accounts.setPassword(options.tenant, username, await passwordFromStdin(io));
        await record(username, 'LocalAccountPasswordSet');
        io.stdout.write(options.json ? `${JSON.stringify({ tenant: options.tenant, username })}\n` : `set the password of ${username} in ${options.tenant}\n`);
      }),
    );
  return users;
}

type Record = (username: string, type: string) => Promise<void>;

function withAccounts(io: CliIo, options: UserOptions, work: (accounts: LocalAccounts, record: Record) => Promise<void>): Promise<void> {
  return withStores(io, async ({ store, settings }) => {
    if (!/^[\x21-\x7e]{1,256}$/.test(options.operator)) throw new ValidationError('cli.invalid_operator', 'an operator id is 1-256 printable characters without spaces');
    const tenant = (await readTenantRegistry(store)).find((known) => known.id === options.tenant);
    if (!tenant) throw new NotFoundError('tenant.not_found', `no tenant ${options.tenant} (create it with: ledgerline tenants create ${options.tenant} --name …)`);
    const identity = await openIdentityStore(settings);
    try {
      const record: Record = async (username, type) => {
        await store.append(options.tenant, `account-${username}`, 'any', [{ type, data: { username }, metadata: { userId: options.operator, clientId: 'ledgerline-cli', tool: `cli:users`, correlationId: randomUUID() } }]);
      };
      await work(new LocalAccounts(identity.accounts), record);
    } finally {
      await identity.close();
    }
  });
}

async function passwordFromStdin(io: CliIo): Promise<string> {
  if (!io.readStdin) throw new ValidationError('cli.no_stdin', '--password-stdin needs standard input');
  const password = (await io.readStdin()).split(/\r?\n/)[0] ?? '';
  LocalAccounts.checkPassword(password);
  return password;
}
