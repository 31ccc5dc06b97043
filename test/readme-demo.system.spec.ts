import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIRM_TOOLS } from '#mcp';
import { startDemoDownstream, type DemoDownstream } from './support/demo-downstream.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';

/**
 * The README's first tool call, its automation walkthrough and its safe-change walkthrough, run as written: the same blocks,
 * against a started platform (embedded default) and the demo downstream. Only the ports differ
 * (free ones here), and `npm run -s cli --` is the built CLI itself (still through `./run`), which
 * is what that script runs after building.
 */
describe('the README walkthroughs', () => {
  const readme = readFileSync('README.md', 'utf8');
  let platform: PlatformProcess;
  let downstream: DemoDownstream;
  let port: string;

  beforeAll(async () => {
    // As a reader runs it: the default confirmations of sensitive calls on (the harness turns them off).
    platform = await startPlatform({ LEDGERLINE_MCP_CONFIRM_TOOLS: DEFAULT_CONFIRM_TOOLS.join(',') });
    port = new URL(platform.url).port;
    downstream = await startDemoDownstream();
  });
  afterAll(async () => {
    await downstream?.stop();
    await platform?.stop();
  });

  /** The fenced block between `<!-- readme-<name>:start -->` and `<!-- readme-<name>:end -->`. */
  const block = (name: string, language: string): string => {
    const found = new RegExp(`<!-- readme-${name}:start -->\\n\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\n<!-- readme-${name}:end -->`).exec(readme)?.[1];
    if (found === undefined) throw new Error(`README.md has no ${language} block marked readme-${name}`);
    return found.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`).replaceAll('127.0.0.1:4000', new URL(downstream.url).host);
  };

  const run = (file: string, args: string[], env: Record<string, string> = {}): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(file, args, { env: { PATH: process.env.PATH, LEDGERLINE_DATA_DIR: platform.dataDir, LEDGERLINE_PORT: port, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout));
    });

  const shell = (script: string): Promise<string> => {
    expect(script).toContain('./run npm run -s cli -- token');
    return run('bash', ['-euo', 'pipefail', '-c', script.replaceAll('npm run -s cli --', `${process.execPath} dist/apps/cli/src/main.js`)]);
  };

  it('gets a token with the CLI and stores a value with curl, then reads it with the MCP SDK client', async () => {
    const output = await shell(block('quickstart', 'sh'));
    expect(output).toContain('"changed":true');

    const token = (await run(process.execPath, ['dist/apps/cli/src/main.js', 'token', '--tenant', 'demo', '--user', 'demo-user', '--scopes', 'memory:read memory:write'])).trim();
    const client = await run(process.execPath, ['--input-type=module', '-e', block('client', 'ts')], { TOKEN: token });
    expect(client).toContain("name: 'memory_put'");
    expect(client).toMatch(/"value":"hello"/);
  });

  it('publishes an automation, starts it as an agent and follows it to completion', async () => {
    const output = await shell(block('demo', 'sh'));
    const lines = output.trim().split('\n');
    expect(lines[0]).toContain('"created":true');
    expect(lines[1]).toContain('"secretVersion":1');
    expect(lines[2]).toContain('"version":1');
    expect(lines[lines.length - 1]).toMatch(/"status":"completed"/);
    expect(downstream.log()).toMatch(/POST \/invoices\/inv-1\/pay idempotency-key=run-[0-9a-f-]+:pay authorization=present/);
    expect(downstream.log()).toMatch(/POST \/ledger idempotency-key=run-[0-9a-f-]+:record/);
    expect(downstream.log()).not.toContain('sk_test_change_me');
  });

  it('changes the automation safely: a dry run, a policy from log-only to enforce, a shadow version promoted by its criteria, an approval that reminds and escalates', async () => {
    const output = await shell(block('safe-change', 'sh'));
    const lines = output.trim().split('\n');
    const log = downstream.log();
    // 1. The plan, the secret as its marker; nothing reached the downstream.
    expect(lines[0]).toContain('/invoices/inv-2/pay');
    expect(lines[0]).toContain('[secret]');
    expect(log).not.toContain('inv-2');
    // 2. Log-only: the call ran and the report counts the would-be denial; enforced: refused.
    expect(lines[1]).toContain('"mode":"log-only"');
    expect(lines[2]).toMatch(/"runId":"run-[0-9a-f-]+"/);
    expect(lines[3]).toMatch(/"policy":"big_payments","mode":"log-only","deny":1/);
    expect(lines[4]).toContain('"mode":"enforce"');
    expect(lines[5]).toContain('policy.denied');
    expect(log).toMatch(/POST \/invoices\/inv-3\/pay /);
    expect(log).not.toContain('inv-4');
    // 3. The shadow: promotion refused before any comparison, allowed once three runs agreed.
    expect(lines[6]).toMatch(/"version":2/);
    expect(lines[7]).toContain('automation.criteria_unmet');
    for (const line of lines.slice(8, 11)) expect(line).toMatch(/"runId":"run-[0-9a-f-]+"/);
    expect(lines[11]).toMatch(/"runs":3,"identicalRequestRuns":3,"identicalRequestRate":1,/);
    expect(lines[11]).toContain('"criteriaMet":true');
    expect(lines[12]).toMatch(/"version":2,"previousVersion":1,"overridden":false/);
    // 4. Two reminders and the escalation reached the chat hook once each; the director decided; the refund went out.
    expect(lines[13]).toContain('"changed":true');
    expect(lines[14]).toContain('"changed":true');
    expect(lines[15]).toContain('"version":1');
    expect(lines[16]).toContain('"decision":"approve"');
    expect(lines[lines.length - 1]).toMatch(/"status":"completed"/);
    const chat = downstream.log().split('\n').filter((line) => line.startsWith('POST /chat '));
    for (const notice of ['reminder:1', 'reminder:2', 'escalation']) expect(chat.filter((line) => line.includes(`.agree:${notice} `))).toHaveLength(1);
    expect(downstream.log()).toMatch(/POST \/invoices\/inv-1\/refund idempotency-key=run-[0-9a-f-]+:refund/);
  });
});
