import { archiveTenant, ExportSigningKey, type ArchiveTenantResult } from '#compliance';
import { ValidationError } from '#core';
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CLOSED_STREAMS } from '../../../platform/src/retention/closed-streams.js';
import { ALL_PROJECTIONS } from '../projections.js';
import { exportSigningKeySourceOf } from '../../../platform/src/config/platform.config.js';
import { withStores } from '../stores.js';
import { DEFAULT_OPERATOR } from './export.command.js';
import { DEFAULT_CLI_CLIENT_ID } from './token.command.js';

interface ArchiveOptions {
  tenant: string;
  out?: string;
  dryRun?: boolean;
  operator: string;
  json?: boolean;
}

/** `ledgerline archive`: the tenant's closed streams past its event retention leave the live store, into a signed archive file. */
export function archiveCommand(io: CliIo): Command {
  return new Command('archive')
    .description("archive a tenant's closed streams (finished runs, completed exports) whose last event is older than its event retention: a signed archive file (ledgerline verify checks it), then tombstones in the live store and the tenant's views rebuilt")
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--out <file>', 'the archive file to create (never overwritten); required unless --dry-run')
    .option('--dry-run', 'only list the streams an archive run would take; changes nothing')
    .option('--operator <id>', 'who asks: recorded on StreamsArchived and ArchiveCompleted', DEFAULT_OPERATOR)
    .option('--json', 'print the result as JSON')
    .action((options: ArchiveOptions) => runArchive(options, io));
}

async function runArchive(options: ArchiveOptions, io: CliIo): Promise<void> {
  if (!options.dryRun && options.out === undefined) throw new ValidationError('cli.archive.out', 'give the archive file with --out <file> (or --dry-run)');
  const result = await withStores(io, async ({ store, views, config }) => {
    const signer = ExportSigningKey.load(exportSigningKeySourceOf(config));
    if (signer.isNew) io.stderr.write(`created the export signing key ${signer.file}\n`);
    return archiveTenant({
      store, views, projections: ALL_PROJECTIONS, rules: CLOSED_STREAMS, signer,
      metadata: { tenantId: options.tenant, userId: options.operator, clientId: DEFAULT_CLI_CLIENT_ID, scopes: [], correlationId: randomUUID(), tool: 'cli:archive' },
      file: options.out ?? '', dryRun: options.dryRun === true,
    });
  });
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : describe(result, options.dryRun === true));
}

function describe(result: ArchiveTenantResult, dryRun: boolean): string {
  const events = result.streams.reduce((sum, stream) => sum + stream.events, 0);
  const past = `closed streams whose last event is before ${result.cutoff} (retention ${result.retentionDays} days)`;
  const lines = [];
  if (result.finished.length > 0) lines.push(`finished ${result.finished.length} archive(s) an earlier run left incomplete: ${result.finished.join(', ')}`);
  if (dryRun) lines.push(`would archive ${result.streams.length} ${past}, ${events} events:`, ...result.streams.map((s) => `  ${s.streamId} (${s.events} events, last ${s.lastRecordedAt})`));
  else if (result.archive === null) lines.push(`nothing to archive: no ${past} in tenant ${result.tenantId}`);
  else {
    const { file, archiveId, archiveSha256, counts, keyId } = result.archive;
    lines.push(`archived ${counts.streams} ${past}, ${counts.events} events, to ${file}`, `sha256 ${archiveSha256}, signed by key ${keyId}`, `recorded as ${archiveId}`);
  }
  if (!dryRun && result.tombstoned > 0) lines.push(`${result.tombstoned} events left the live store; views rebuilt: ${result.rebuilt.join(', ') || 'none built here yet'}`);
  return `${lines.join('\n')}\n`;
}
