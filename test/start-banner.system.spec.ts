import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { jsonLogLines } from './support/log-lines.js';
import { PLATFORM_MAIN, startPlatform, WORKER_MAIN } from './support/platform-process.js';
import { startUnderTerminal, type TerminalProcess } from './support/terminal-process.js';
import { until } from './support/until.js';

/**
 * What `npm start` shows: at a terminal, a short banner (where everything is, how to get in) and
 * readable log lines; elsewhere (a pipe, a container's log) JSON lines only, the start being one of
 * them. LEDGERLINE_LOG_FORMAT overrides the choice; a bad value stops the start, naming it.
 */
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const ANSI = /\u001b\[[0-9;]*m/g;
const USERS_ADD = /^ {12}(LEDGERLINE_DATA_DIR=\S+ \.\/run npm run -s cli -- users add <username> --tenant demo)$/m;

async function atTerminal(env: Record<string, string> = {}): Promise<TerminalProcess> {
  const platform = await startUnderTerminal(env);
  cleanup.push(() => platform.stop());
  return platform;
}

/** The terminal's lines up to the banner's last (the tokens row), colours taken off. */
async function bannerOf(platform: TerminalProcess): Promise<{ before: string[]; banner: string[] }> {
  const text = await until(() => (/^ {2}tokens {4}.*$/m.test(platform.output()) ? platform.output().replace(ANSI, '') : undefined), 15_000, 'the banner');
  const lines = text.split('\n');
  const first = lines.findIndex((line) => /^Ledgerline \d+\.\d+\.\d+ listening on /.test(line));
  const last = lines.findIndex((line) => line.startsWith('  tokens '));
  return { before: lines.slice(0, first), banner: lines.slice(first, last + 1) };
}

/** A CLI command the banner printed, run as `./run npm run -s cli --` would run it (the built CLI). */
function runCli(command: string): Promise<string> {
  const script = command.replace('./run npm run -s cli --', `${process.execPath} dist/apps/cli/src/main.js`);
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', script], { env: { PATH: process.env.PATH }, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))));
}

describe('a start at a terminal', () => {
  it('prints the banner (URLs, store, bus, how to create the first user) and no JSON, with little before it', async () => {
    const platform = await atTerminal();
    const { before, banner } = await bannerOf(platform);
    expect(before.filter((line) => line.trim() !== '').length).toBeLessThan(20);
    expect(banner.length).toBeLessThanOrEqual(15);
    expect(banner[0]).toBe(`Ledgerline 0.1.0 listening on ${platform.url}`);
    for (const path of ['/mcp', '/console', '/docs', '/healthz']) expect(banner.join('\n')).toContain(`${platform.url}${path}`);
    expect(banner.join('\n')).toContain(`store     SQLite ${join(platform.dataDir, 'events.db')}`);
    expect(banner.join('\n')).toContain('bus       in-process');
    expect(banner.join('\n')).toMatch(USERS_ADD);
    expect(platform.output()).toMatch(ANSI);

    await fetch(`${platform.url}/v1/tenants`);
    const requestLine = await until(() => platform.output().replace(ANSI, '').split('\n').find((line) => line.includes('GET /v1/tenants 401')), 5000, 'the request line');
    expect(requestLine).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO: GET \/v1\/tenants 401 \d+ms$/);
    expect(platform.output().split('\n').filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
  });

  it('once a user exists, says how to sign in instead; NO_COLOR leaves colours off', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-banner-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await atTerminal({ LEDGERLINE_DATA_DIR: dataDir, NO_COLOR: '1' });
    const usersAdd = USERS_ADD.exec((await bannerOf(first)).banner.join('\n'))![1]!;
    expect(first.output()).not.toMatch(/\u001b\[/);
    await first.stop();

    expect(await runCli(usersAdd.replace('<username>', 'alice'))).toMatch(/^added alice to demo; password \(shown once\): \S{16,}\n$/);
    const second = await atTerminal({ LEDGERLINE_DATA_DIR: dataDir, NO_COLOR: '1' });
    const { banner } = await bannerOf(second);
    expect(banner.join('\n')).toContain(`  sign in   at ${second.url}/console, or from an MCP client given ${second.url}/mcp (1 local account)`);
    expect(banner.join('\n')).not.toContain('users add');
  });

  it('logs JSON with LEDGERLINE_LOG_FORMAT=json', async () => {
    const platform = await atTerminal({ LEDGERLINE_LOG_FORMAT: 'json' });
    await until(() => (platform.output().includes('listening on') ? true : undefined), 15_000, 'the listening line');
    const lines = platform.output().split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(platform.output()).not.toContain('  MCP       ');
  });
});

describe('a start without a terminal', () => {
  it('writes JSON lines only, the start being one line with the URLs', async () => {
    const platform = await startPlatform();
    cleanup.push(() => platform.stop());
    const listening = await until(() => jsonLogLines(platform.output()).find((line) => typeof line.msg === 'string' && line.msg.includes(' listening on ')), 15_000, 'the listening line');
    expect(platform.output().split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'))).toEqual([]);
    expect(listening).toMatchObject({
      level: 30,
      msg: `Ledgerline 0.1.0 listening on ${platform.url}: MCP ${platform.url}/mcp, console ${platform.url}/console, docs ${platform.url}/docs`,
      urls: { mcp: `${platform.url}/mcp`, console: `${platform.url}/console`, docs: `${platform.url}/docs`, healthz: `${platform.url}/healthz` },
      store: `SQLite ${join(platform.dataDir, 'events.db')}`,
      access: { kind: 'local-accounts', accounts: 0, usersAdd: expect.stringContaining('users add <username> --tenant demo') },
    });
    // Nest's narration is at debug: the start is the platform's own line, and nothing else at info.
    expect(jsonLogLines(platform.output()).filter((line) => typeof line.context === 'string' && ['InstanceLoader', 'RouterExplorer', 'RoutesResolver'].includes(line.context))).toEqual([]);
  });
});

describe('a bad LEDGERLINE_LOG_FORMAT', () => {
  it.each([['platform', PLATFORM_MAIN], ['worker', WORKER_MAIN]])('stops the %s before it starts, naming the variable', async (_name, main) => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [main], { env: { PATH: process.env.PATH, LEDGERLINE_LOG_FORMAT: 'xml' }, timeout: 30_000 }, (error, out, err) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: out, stderr: err })));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('ledgerline: cannot start: invalid configuration: LEDGERLINE_LOG_FORMAT: json or pretty, not "xml" (unset: pretty when stdout is a terminal, else json) [config.invalid]\n');
  });
});
