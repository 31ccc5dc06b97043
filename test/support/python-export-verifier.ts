import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureExportVerifier, VERIFIER_SCRIPT } from '../../tools/export-verifier/ensure.mjs';

export interface PythonVerdict {
  exitCode: number;
  /** Its one line: `valid: …` on stdout, or `invalid: line N: why` on stderr. */
  output: string;
}

/**
 * tools/export-verifier/verify-export.py, the verifier written from docs/export-format.md alone,
 * in its cached venv (built on first use; throws when Python is missing, so the test fails).
 */
export class PythonExportVerifier {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ledgerline-python-verifier-'));
  private readonly python: string;
  private files = 0;

  constructor() {
    const { python, installMs } = ensureExportVerifier();
    if (installMs > 0) process.stderr.write(`the export verifier's venv was built in ${(installMs / 1000).toFixed(1)} s\n`);
    this.python = python;
  }

  /** Writes the trusted key (a JWKS or PEM text) for verify() to use. */
  keyFile(text: string): string {
    return this.write(Buffer.from(text), 'key');
  }

  verify(file: Buffer, keyFile: string): PythonVerdict {
    const path = this.write(file, 'export.ndjson.gz');
    const run = spawnSync(this.python, ['-B', VERIFIER_SCRIPT, path, '--key', keyFile], { encoding: 'utf8', timeout: 60_000 });
    if (run.error) throw run.error;
    return { exitCode: run.status ?? -1, output: `${run.stdout}${run.stderr}`.trim() };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private write(bytes: Buffer, name: string): string {
    const path = join(this.dir, `${this.files++}-${name}`);
    writeFileSync(path, bytes);
    return path;
  }
}
