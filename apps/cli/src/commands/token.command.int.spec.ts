import { afterAll, describe, expect, it } from '@jest/globals';
import { TokenVerifier, resolveAuthSettings } from '#auth';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = 'dist/apps/cli/src/main.js';
const dir = mkdtempSync(join(tmpdir(), 'ledgerline-cli-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm test` builds first) with only the given environment. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('ledgerline token (the built CLI as a child process)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mints a dev token the platform\'s verifier accepts, creating the dev issuer key on first use', async () => {
    expect(existsSync(MAIN)).toBe(true);
    const dataDir = join(dir, 'data');
    const run = await cli(['token', '--tenant', 'acme', '--user', 'alice', '--scopes', 'memory:read memory:write', '--data-dir', dataDir]);
    expect(run).toMatchObject({ code: 0, stderr: `created the dev issuer key ${join(dataDir, 'keys', 'dev-issuer.json')}\n` });
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(statSync(join(dataDir, 'keys', 'dev-issuer.json')).mode & 0o777).toBe(0o600);

    const verifier = TokenVerifier.fromSettings(resolveAuthSettings({ publicUrl: 'http://127.0.0.1:3000', dataDir }));
    await expect(verifier.verify(`Bearer ${run.stdout.trim()}`)).resolves.toEqual({
      tenantId: 'acme',
      userId: 'alice',
      clientId: 'ledgerline-cli',
      scopes: ['memory:read', 'memory:write'],
    });
  });

  it('prints JSON with --json, takes the data directory and public URL from the environment, and reuses the key', async () => {
    const dataDir = join(dir, 'env-data');
    const env = { LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PUBLIC_URL: 'https://ledgerline.example.com' };
    await cli(['token', '--tenant', 'acme', '--user', 'alice'], env);
    const before = Date.now();
    const run = await cli(['token', '--tenant', 'globex', '--user', 'bob', '--client', 'claude', '--ttl', '120', '--json'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const output = JSON.parse(run.stdout) as { token: string; tokenType: string; expiresAt: string; expiresIn: number; audience: string };
    expect(output).toMatchObject({ tokenType: 'Bearer', expiresIn: 120, issuer: 'https://ledgerline.example.com', audience: 'https://ledgerline.example.com/mcp' });
    expect(Math.abs(Date.parse(output.expiresAt) - (before + 120_000))).toBeLessThan(5000);
    const verifier = TokenVerifier.fromSettings(resolveAuthSettings({ publicUrl: 'https://ledgerline.example.com', dataDir }));
    await expect(verifier.verify(`Bearer ${output.token}`)).resolves.toEqual({ tenantId: 'globex', userId: 'bob', clientId: 'claude', scopes: [] });
  });

  it('exits 2 with a clear message on invalid arguments, printing no token', async () => {
    const dataDir = join(dir, 'bad');
    const cases: Array<[string[], RegExp]> = [
      [['token', '--user', 'alice'], /required option '--tenant <id>'/],
      [['token', '--tenant', 'bad tenant', '--user', 'alice'], /invalid tenant id/],
      [['token', '--tenant', 'acme', '--user', 'alice', '--ttl', 'soon'], /--ttl <seconds>.*expected a whole number of seconds/],
      [['token', '--tenant', 'acme', '--user', 'alice', '--ttl', '0'], /invalid lifetime/],
      [['token', '--tenant', 'acme', '--user', 'alice', '--scopes', 'a "b"'], /invalid scope/],
      [['token', '--tenant', 'acme', '--user', 'alice', '--public-url', 'http://127.0.0.1:3000/mcp'], /LEDGERLINE_PUBLIC_URL must be a bare origin/],
      [['tokens'], /unknown command 'tokens'/],
    ];
    for (const [args, message] of cases) {
      const run = await cli([...args, '--data-dir', dataDir]);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
  });

  it('refuses with exit code 2 when an external issuer is configured', async () => {
    const run = await cli(['token', '--tenant', 'acme', '--user', 'alice', '--data-dir', join(dir, 'external')], {
      LEDGERLINE_AUTH_ISSUER: 'https://id.example.com',
      LEDGERLINE_AUTH_JWKS_URL: 'https://id.example.com/jwks',
    });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('LEDGERLINE_AUTH_ISSUER is set');
    expect(existsSync(join(dir, 'external'))).toBe(false);
  });
});
