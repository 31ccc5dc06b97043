import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { freePort, waitForHttp } from './support/processes.js';

/**
 * The README's automation walkthrough, run as written: the same shell block, against a started
 * platform (embedded default) and the demo downstream. Only the ports differ (free ones here),
 * and `npm run -s cli --` is the built CLI itself, which is what that script runs after building.
 */
describe('the README automation walkthrough', () => {
  let platform: PlatformProcess;
  let downstream: ChildProcess;
  let downstreamLog = '';
  let downstreamPort: number;

  beforeAll(async () => {
    platform = await startPlatform();
    downstreamPort = await freePort();
    downstream = spawn(process.execPath, ['deploy/demo/downstream.mjs', String(downstreamPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    downstream.stdout!.on('data', (chunk: Buffer) => (downstreamLog += chunk.toString()));
    await waitForHttp(`http://127.0.0.1:${downstreamPort}/ready`, 10_000);
  });
  afterAll(async () => {
    downstream?.kill();
    await platform?.stop();
  });

  it('publishes an automation, starts it as an agent and follows it to completion', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /<!-- readme-demo:start -->\n```sh\n([\s\S]*?)```\n<!-- readme-demo:end -->/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const port = new URL(platform.url).port;
    const script = block!
      .replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`)
      .replaceAll('127.0.0.1:4000', `127.0.0.1:${downstreamPort}`)
      .replaceAll('npm run -s cli --', `${process.execPath} dist/apps/cli/src/main.js`);
    const output = await new Promise<string>((resolve, reject) => {
      execFile('bash', ['-euo', 'pipefail', '-c', script], { env: { PATH: process.env.PATH, LEDGERLINE_DATA_DIR: platform.dataDir, LEDGERLINE_PORT: port }, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout));
    });
    const lines = output.trim().split('\n');
    expect(lines[0]).toContain('"created":true');
    expect(lines[1]).toContain('"secretVersion":1');
    expect(lines[2]).toContain('"version":1');
    expect(lines[lines.length - 1]).toMatch(/"status":"completed"/);
    expect(downstreamLog).toMatch(/POST \/invoices\/inv-1\/pay idempotency-key=run-[0-9a-f-]+:pay authorization=present/);
    expect(downstreamLog).toMatch(/POST \/ledger idempotency-key=run-[0-9a-f-]+:record/);
    expect(downstreamLog).not.toContain('sk_test_change_me');
  });
});
