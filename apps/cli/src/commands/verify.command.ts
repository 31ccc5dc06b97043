import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ValidationError } from '#core';
import { EXPORT_SIGNING_KEY_FILE, ExportSigningKey, TrustedKeys, verifyExport } from '#compliance';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CommandVerdict, EXIT_INVALID } from '../exit-codes.js';
import { exportSigningKeySourceOf } from '../../../platform/src/config/platform.config.js';
import { storeSettingsFromEnv } from '../stores.js';

interface VerifyOptions {
  key?: string;
  json?: boolean;
}

/** `ledgerline verify`: checks an export offline against a trusted key; exit code 3 when it fails. */
export function verifyCommand(io: CliIo): Command {
  return new Command('verify')
    .description('verify an export offline: hash chain, completeness, manifest and signature (exit code 3 when it fails)')
    .argument('<file>', 'the export file, or - for stdin')
    .option('--key <file>', 'trusted key: a JWKS as /.well-known/ledgerline-export-keys serves it, or an SPKI PEM public key (default: this environment\'s export signing key)')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: VerifyOptions) => runVerify(file, options, io));
}

async function runVerify(file: string, options: VerifyOptions, io: CliIo): Promise<void> {
  const trusted = trustedKeys(options, io);
  if (file !== '-' && !existsSync(file)) throw new ValidationError('cli.verify.no_file', `${file} does not exist`, { file });
  const input: Readable = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1024 * 1024 });
  const result = await verifyExport(input, trusted);
  if (options.json) io.stdout.write(`${JSON.stringify(result)}\n`);
  if (!result.ok) {
    if (!options.json) io.stderr.write(`line ${result.firstBrokenLine}: ${result.problem}\n`);
    throw new CommandVerdict(EXIT_INVALID);
  }
  if (!options.json) {
    const { tenantId, chainHead, keyId, counts } = result.manifest!;
    const stubs = [counts.archived && `${counts.archived} archived`, counts.elided && `${counts.elided} elided`].filter(Boolean).join(', ');
    io.stdout.write(`valid: ${result.events} events${stubs ? ` (and ${stubs} by their hash)` : ''} and ${result.viewRows} view rows of tenant ${tenantId}, chain head ${chainHead}, signed by key ${keyId}\n`);
  }
}

function trustedKeys(options: VerifyOptions, io: CliIo): TrustedKeys {
  if (options.key !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.key, 'utf8');
    } catch (error) {
      throw new ValidationError('cli.verify.key', `cannot read --key ${options.key} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { file: options.key });
    }
    return TrustedKeys.parse(text, options.key);
  }
  const source = exportSigningKeySourceOf(storeSettingsFromEnv(io.env).config);
  if (source.pem === undefined && source.file === undefined && !existsSync(join(source.dataDir, EXPORT_SIGNING_KEY_FILE))) {
    throw new ValidationError('cli.verify.no_key', `no --key given and no export signing key in ${source.dataDir}: pass the platform's JWKS (/.well-known/ledgerline-export-keys) with --key`);
  }
  return TrustedKeys.of([ExportSigningKey.load(source, { create: false }).publicKey]);
}
