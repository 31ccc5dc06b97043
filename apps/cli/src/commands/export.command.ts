import { createWriteStream, openSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { ValidationError } from '#core';
import { ComplianceExporter, exportFileName, PersonalDataOpener, ExportSigningKey, parseExportRange, type ExportSummary } from '#compliance';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { ALL_PROJECTIONS } from '../projections.js';
import { exportSigningKeySourceOf } from '../../../platform/src/config/platform.config.js';
import { withStores } from '../stores.js';
import { withPersonalDataVault } from '../vault.js';
import { DEFAULT_CLI_CLIENT_ID } from './token.command.js';

export const DEFAULT_OPERATOR = 'ops:cli';

interface ExportOptions {
  tenant: string;
  out?: string;
  since?: string;
  until?: string;
  withViews?: boolean;
  operator: string;
  json?: boolean;
}

/** `ledgerline export`: a tenant's verifiable export from this environment's store, recorded in the tenant's log. */
export function exportCommand(io: CliIo): Command {
  return new Command('export')
    .description("write a tenant's verifiable export (ledgerline-export/1: gzip of NDJSON with a signed manifest)")
    .requiredOption('--tenant <id>', 'tenant to export')
    .option('--out <file>', 'file to create, or - for stdout (default: <tenant>-<timestamp>.ndjson.gz)')
    .option('--since <iso>', 'from the first event recorded at or after this instant')
    .option('--until <iso>', 'to the last event recorded before this instant')
    .option('--with-views', "add the tenant's view rows")
    .option('--operator <id>', 'who asks: recorded on ExportRequested and ExportCompleted', DEFAULT_OPERATOR)
    .option('--json', 'print the summary as JSON (on stdout, or stderr with --out -)')
    .action((options: ExportOptions) => runExport(options, io));
}

async function runExport(options: ExportOptions, io: CliIo): Promise<void> {
  const range = parseExportRange({ since: options.since, until: options.until });
  const toStdout = options.out === '-';
  if (toStdout && !(io.stdout instanceof Writable)) throw new ValidationError('cli.export.stdout', 'stdout cannot take binary output here: give --out <file>');
  await withStores(io, (stores) => withPersonalDataVault(stores, async (vault) => {
    const { store, views, dataDir, config } = stores;
    const signer = ExportSigningKey.load(exportSigningKeySourceOf(config));
    if (signer.isNew) io.stderr.write(`created the export signing key ${signer.file}\n`);
    const prepared = await new ComplianceExporter().prepare({
      store,
      views,
      tenantId: options.tenant,
      range,
      withViews: options.withViews === true,
      projections: ALL_PROJECTIONS,
      signer,
      opener: new PersonalDataOpener(vault),
      requestedBy: { userId: options.operator, clientId: DEFAULT_CLI_CLIENT_ID, tool: 'cli:export' },
    });
    if (toStdout) return report(await prepared.writeTo(io.stdout as Writable, { endOut: false }), '-', options, io);
    const file = options.out ?? exportFileName(options.tenant, new Date());
    const out = createWriteStream(file, { fd: createNewFile(file) });
    try {
      report(await prepared.writeTo(out), file, options, io);
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
  }));
}

/** Never overwrites: an existing export may be the evidence someone keeps. Private (0600): exports may hold personal data. */
function createNewFile(file: string): number {
  try {
    return openSync(file, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError('cli.export.out', code === 'EEXIST' ? `${file} exists: give another --out` : `cannot create ${file} (${code ?? 'error'})`, { file });
  }
}

function report(summary: ExportSummary, file: string, options: ExportOptions, io: CliIo): void {
  const { exportId, tenantId, counts, first, last, chainStart, chainHead, contentSha256, keyId } = summary;
  if (options.json) {
    const json = `${JSON.stringify({ file, exportId, tenantId, counts, first, last, chainStart, chainHead, contentSha256, keyId })}\n`;
    (file === '-' ? io.stderr : io.stdout).write(json);
    return;
  }
  const types = Object.entries(counts.byType).map(([type, count]) => `${type} ${count}`).join(', ');
  io.stderr.write(
    `exported ${counts.events} events${types ? ` (${types})` : ''} and ${counts.viewRows} view rows of tenant ${tenantId} to ${file === '-' ? 'stdout' : file}\n` +
      `chain head ${chainHead}\nsigned by key ${keyId}\nrecorded as ${exportId}\n`,
  );
}
