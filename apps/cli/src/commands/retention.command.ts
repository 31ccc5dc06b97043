import { randomUUID } from 'node:crypto';
import { readEventRetention, setEventRetention } from '#compliance';
import { ValidationError, type CommandMetadata } from '#core';
import { readMemoryRetention, setMemoryRetention } from '#memory';
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';

interface RetentionOptions {
  tenant: string;
  memoryDays?: number | 'off';
  eventDays?: number | 'off';
  events?: boolean;
  operator: string;
  json?: boolean;
}

/** `ledgerline retention`: shows or sets a tenant's memory retention, or (with --events or --event-days) its event retention. */
export function retentionCommand(io: CliIo): Command {
  return new Command('retention')
    .description("show or set a tenant's retention: memory items not updated for N days expire; closed streams older than N days may be archived (ledgerline archive)")
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--memory-days <days|off>', 'set the memory retention: a number of days, or off to keep memory forever', parseDays)
    .option('--event-days <days|off>', 'set the event retention: a number of days (at least 1), or off to keep every event', parseDays)
    .option('--events', 'show the event retention instead of the memory retention')
    .option('--operator <id>', 'who asks, recorded in the audit trail', 'ops:cli')
    .option('--json', 'print JSON')
    .action((options: RetentionOptions) => retention(options, io));
}

async function retention(options: RetentionOptions, io: CliIo): Promise<void> {
  const events = options.events === true || options.eventDays !== undefined;
  if (events && options.memoryDays !== undefined) throw new ValidationError('cli.retention.one_at_a_time', 'set the memory retention or the event retention, one at a time');
  const metadata = { tenantId: options.tenant, userId: options.operator, clientId: 'ledgerline-cli', scopes: [], correlationId: randomUUID(), tool: 'cli retention' };
  if (events) return eventRetention(options, metadata, io);
  const result = await withStores(io, async ({ store }) => {
    if (options.memoryDays === undefined) {
      return { tenantId: options.tenant, days: await readMemoryRetention(store, options.tenant), changed: false };
    }
    return setMemoryRetention(store, metadata, options.memoryDays === 'off' ? null : options.memoryDays);
  });
  const text = `tenant ${result.tenantId}: memory ${result.days === null ? 'kept forever' : `expires after ${result.days} days without an update`}${result.changed ? ' (changed now)' : ''}`;
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${text}\n`);
}

async function eventRetention(options: RetentionOptions, metadata: CommandMetadata, io: CliIo): Promise<void> {
  const result = await withStores(io, async ({ store }) => {
    if (options.eventDays === undefined) return { tenantId: options.tenant, days: await readEventRetention(store, options.tenant), changed: false };
    return setEventRetention(store, metadata, options.eventDays === 'off' ? null : options.eventDays);
  });
  const text = `tenant ${result.tenantId}: closed streams ${result.days === null ? 'kept forever' : `archived by ledgerline archive once their last event is ${result.days} days old`}${result.changed ? ' (changed now)' : ''}`;
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${text}\n`);
}

/** 'off' stays a word here: commander takes a parser's null for "no value". */
function parseDays(value: string): number | 'off' {
  if (value === 'off') return 'off';
  if (!/^\d{1,6}$/.test(value)) throw new InvalidArgumentError('expected a number of days, or off');
  return Number(value);
}
