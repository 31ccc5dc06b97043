import { randomUUID } from 'node:crypto';
import { readMemoryRetention, setMemoryRetention } from '#memory';
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';

interface RetentionOptions {
  tenant: string;
  memoryDays?: number | 'off';
  operator: string;
  json?: boolean;
}

/** `ledgerline retention`: shows or sets a tenant's memory retention. */
export function retentionCommand(io: CliIo): Command {
  return new Command('retention')
    .description("show or set a tenant's memory retention: items not updated for N days expire")
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--memory-days <days|off>', 'set the retention: a number of days, or off to keep memory forever', parseDays)
    .option('--operator <id>', 'who asks, recorded in the audit trail', 'ops:cli')
    .option('--json', 'print JSON')
    .action((options: RetentionOptions) => retention(options, io));
}

async function retention(options: RetentionOptions, io: CliIo): Promise<void> {
  const result = await withStores(io, async ({ store }) => {
    if (options.memoryDays === undefined) {
      return { tenantId: options.tenant, days: await readMemoryRetention(store, options.tenant), changed: false };
    }
    const metadata = { tenantId: options.tenant, userId: options.operator, clientId: 'ledgerline-cli', scopes: [], correlationId: randomUUID(), tool: 'cli retention' };
    return setMemoryRetention(store, metadata, options.memoryDays === 'off' ? null : options.memoryDays);
  });
  const text = `tenant ${result.tenantId}: memory ${result.days === null ? 'kept forever' : `expires after ${result.days} days without an update`}${result.changed ? ' (changed now)' : ''}`;
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${text}\n`);
}

/** 'off' stays a word here: commander takes a parser's null for "no value". */
function parseDays(value: string): number | 'off' {
  if (value === 'off') return 'off';
  if (!/^\d{1,6}$/.test(value)) throw new InvalidArgumentError('expected a number of days, or off');
  return Number(value);
}
