import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from './support/processes.js';

const MAIN = 'dist/apps/platform/src/main.js';

describe('the platform process (npm start)', () => {
  it('starts on the embedded default, creates its data directory, answers health, and stops on SIGTERM', async () => {
    expect(existsSync(MAIN)).toBe(true);
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ledgerline-start-')), 'data');
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/healthz`, 20_000);
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready', eventStore: 'sqlite' });
      expect(existsSync(join(dataDir, 'events.db'))).toBe(true);
      child.kill('SIGTERM');
      // Nest closes the app (and the store) on SIGTERM, then ends by the same signal.
      expect(['SIGTERM', 'code 0']).toContain(await exited);
    } finally {
      child.kill('SIGKILL');
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });

  it('loads the OpenTelemetry SDK only when tracing is on: a process without it starts without those modules', () => {
    // The app's modules as a start loads them, then the CommonJS packages they brought in.
    const script = `import('./dist/apps/platform/src/app.module.js').then(async () => {
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(process.cwd() + '/').cache);
      console.log(JSON.stringify({ api: loaded.some((path) => path.includes('/@opentelemetry/api/')), sdk: loaded.filter((path) => path.includes('/@opentelemetry/sdk-') || path.includes('/@opentelemetry/exporter-')).length }));
    })`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH }, encoding: 'utf8' })) as { api: boolean; sdk: number };
    expect(loaded).toEqual({ api: true, sdk: 0 });
  });
});
