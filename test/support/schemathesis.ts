import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSchemathesis } from '../../deploy/schemathesis/ensure.mjs';

const HOOKS = fileURLToPath(new URL('./schemathesis-hooks.py', import.meta.url));
const CONFIG = fileURLToPath(new URL('./schemathesis.toml', import.meta.url));

/** One request schemathesis sent and the answer it got, from its HAR report. */
export interface Exchange {
  method: string;
  url: string;
  /** The X-Request-Id the hooks gave the request: the correlation id of the events it appended. */
  requestId: string | undefined;
  status: number;
  contentType: string | undefined;
  body: string;
}

export interface SchemathesisRun {
  exitCode: number;
  /** Its console report: the failures, each with a curl line reproducing it. */
  output: string;
  exchanges: Exchange[];
}

interface HarHeader { name: string; value: string }
interface HarEntry {
  request: { method: string; url: string; headers: HarHeader[] };
  response: { status: number; headers: HarHeader[]; content: { text?: string } };
}

const header = (headers: HarHeader[], name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;

/**
 * Runs `st run` against the platform's OpenAPI document as the bearer of `token`, with a fixed
 * seed, one worker (so the HAR is in the order the requests were sent) and `args` added.
 */
export async function runSchemathesis(baseUrl: string, token: string, args: string[], timeoutMs = 240_000): Promise<SchemathesisRun> {
  const { st } = ensureSchemathesis();
  const reportDir = mkdtempSync(join(tmpdir(), 'ledgerline-schemathesis-'));
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((resolve, reject) => {
      const child = spawn(st, [
        '--config-file', CONFIG, 'run', `${baseUrl}/docs/openapi.json`, '--header', `Authorization: Bearer ${token}`,
        '--workers', '1', '--no-color', '--report', 'har', '--report-dir', reportDir, '--generation-database', 'none', ...args,
      ], {
        // In the report directory, so that its crash cache (.schemathesis/) does not land in the checkout; no __pycache__ beside the hooks either.
        cwd: reportDir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, SCHEMATHESIS_HOOKS: HOOKS, PYTHONDONTWRITEBYTECODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ exitCode: code ?? (signal === 'SIGKILL' ? -1 : 128), output });
      });
    });
    const har = readdirSync(reportDir).find((name) => name.startsWith('har-'));
    const entries = har ? (JSON.parse(readFileSync(join(reportDir, har), 'utf8')) as { log: { entries: HarEntry[] } }).log.entries : [];
    const exchanges = entries.map(({ request, response }) => ({
      method: request.method,
      url: request.url,
      requestId: header(request.headers, 'x-request-id'),
      status: response.status,
      contentType: header(response.headers, 'content-type'),
      body: response.content.text ?? '',
    }));
    return { exitCode, output, exchanges };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}
