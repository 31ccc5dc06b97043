import { randomUUID } from 'node:crypto';
import { parsePurgeTarget, purgePersonalData, type PurgeResult } from '#compliance';
import { ValidationError } from '#core';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';
import { withPersonalDataVault } from '../vault.js';

interface PurgeOptions {
  tenant: string;
  subject?: string;
  wholeTenant?: boolean;
  yes?: boolean;
  operator: string;
  json?: boolean;
}

/** `ledgerline purge`: crypto-shredding of one data subject's personal data, or of everything a tenant holds keys for. */
export function purgeCommand(io: CliIo): Command {
  return new Command('purge')
    .description('destroy the keys of a data subject (a user) or of a whole tenant: what they sealed becomes unreadable everywhere; the log and its hash chain stay')
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--subject <user>', 'the data subject: a user id of the tenant')
    .option('--whole-tenant', 'every key of the tenant: all its personal data and connector secrets')
    .option('--yes', 'confirm: this cannot be undone')
    .option('--operator <id>', 'who asks, recorded in the audit trail', 'ops:cli')
    .option('--json', 'print JSON')
    .action((options: PurgeOptions) => purge(options, io));
}

async function purge(options: PurgeOptions, io: CliIo): Promise<void> {
  const target = parsePurgeTarget({ subject: options.subject, wholeTenant: options.wholeTenant === true });
  if (!options.yes) throw new ValidationError('cli.purge.unconfirmed', 'a purge cannot be undone: add --yes to confirm');
  const result = await withStores(io, (stores) =>
    withPersonalDataVault(stores, (vault) =>
      purgePersonalData(stores.store, vault, { tenantId: options.tenant, userId: options.operator, clientId: 'ledgerline-cli', scopes: [], correlationId: randomUUID(), tool: 'cli purge' }, target),
    ),
  );
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${describe(result)}\n`);
}

function describe(result: PurgeResult): string {
  const what = result.target.kind === 'subject' ? `subject ${result.target.subject} of tenant ${result.tenantId}` : `tenant ${result.tenantId}`;
  return `purged ${what}: ${result.keysDestroyed} key(s) destroyed now; recorded at position ${result.position}`;
}
