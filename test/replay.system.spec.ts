import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

const CLI_MAIN = 'dist/apps/cli/src/main.js';
const SCOPES = ['memory:read', 'memory:write'];

/** The built CLI as its own process, against the platform's data (its directory, or its PostgreSQL). */
function replayProcess(h: PlatformHarness): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', LEDGERLINE_DATA_DIR: h.platform.dataDir };
  if (h.databaseUrl) Object.assign(env, { LEDGERLINE_EVENT_STORE: 'postgres', DATABASE_URL: h.databaseUrl });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_MAIN, 'replay', '--all', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(['sqlite', 'postgres'] as const)('ledgerline replay --all beside a running platform on %s', (kind) => {
  let h: PlatformHarness;
  let alice: Client;
  /** What memory holds, as far as this test wrote it: namespace → key → value. */
  const written = new Map<string, Map<string, unknown>>();

  async function put(namespace: string, key: string, value: unknown): Promise<void> {
    await callOk(alice, 'memory_put', { namespace, key, value });
    if (!written.has(namespace)) written.set(namespace, new Map());
    written.get(namespace)!.set(key, value);
  }

  /** Reads through the platform must show every write made before them: never an empty or half-built view. */
  async function expectReadsComplete(namespace: string, key: string): Promise<void> {
    const keys = [...written.get(namespace)!.keys()].sort();
    const listed = await callOk<{ keys: string[] }>(alice, 'memory_list', { namespace, limit: 500 });
    expect(listed.keys).toEqual(keys);
    const got = await callOk<{ value: unknown }>(alice, 'memory_get', { namespace, key });
    expect(got.value).toEqual(written.get(namespace)!.get(key));
  }

  beforeAll(async () => {
    expect(existsSync(CLI_MAIN)).toBe(true);
    h = await startPlatformOn(kind, { LEDGERLINE_TOOL_RATE_PER_SEC: '10000', LEDGERLINE_TOOL_RATE_BURST: '10000' });
    alice = await connect(h.platform, h.issuer.mint({ tenantId: `acme-${kind}`, userId: 'alice', scopes: SCOPES }));
    for (let i = 0; i < 240; i += 1) await put(`ns${i % 3}`, `k${i % 80}`, { i });
  }, 120_000);
  afterAll(async () => {
    await alice?.close();
    await h?.stop();
  });

  it('keeps serving memory_get and memory_list while the views are rebuilt in another process, and applies new writes to the switched views', async () => {
    let replaying = true;
    const replay = replayProcess(h).finally(() => (replaying = false));
    const before = new Map([...written].map(([namespace, items]) => [namespace, new Map(items)]));
    let rounds = 0;
    while (replaying) {
      const namespace = `ns${rounds % 3}`;
      await put(namespace, `during-${rounds}`, { rounds });
      // Never an empty or half-built view, and read-your-writes holds throughout: the write just made
      // is there, with everything before it (reads wait for the last COMMITTED position, which the
      // rebuild's open transactions cannot hold back the way they hold back the safe head).
      await expectReadsComplete(namespace, `during-${rounds}`);
      const key = `k${rounds % 80}`;
      expect((await callOk<{ value: unknown }>(alice, 'memory_get', { namespace, key })).value).toEqual(before.get(namespace)!.get(key));
      rounds += 1;
    }
    const run = await replay;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const results = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { projection: string; switchedAt: number; events: number });
    expect(results.map((result) => result.projection)).toContain('memory_items');
    expect(results.find((result) => result.projection === 'memory_items')!.events).toBeGreaterThanOrEqual(240);
    expect(rounds).toBeGreaterThan(0);

    // Nothing written during the replay is lost (each put is in the view once: a key per put).
    for (const namespace of written.keys()) await expectReadsComplete(namespace, 'k1');
    await put('after', 'switch', { applied: true });
    await expectReadsComplete('after', 'switch');
    await put('ns0', 'k1', 'changed after the switch');
    await expectReadsComplete('ns0', 'k1');
  });
});
