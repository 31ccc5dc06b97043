import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportSigningKey } from '#compliance';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { gzipLines, linesOf, otherSigner } from '../../../../libs/compliance/src/export/testing/export-bytes.js';
import { collect } from '../../../../libs/event-store/src/testing/event-store.contract.js';
import { createTestDatabase } from '../../../../libs/event-store/src/postgres/postgres-test-database.js';

const MAIN = 'dist/apps/cli/src/main.js';

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the built CLI with only the given environment, from `cwd`. */
function cli(args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(process.cwd(), MAIN), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd, encoding: 'buffer', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr: stderr.toString() });
    });
  });
}

describe.each(['sqlite', 'postgres'] as const)('ledgerline export and verify on %s (the built CLI as a child process)', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-cli-export-'));
  const dataDir = join(dir, 'data');
  let env: Record<string, string>;
  let openStore: () => Promise<EventStore>;
  let dropDatabase: () => Promise<void> = async () => undefined;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    if (kind === 'postgres') {
      const database = await createTestDatabase();
      dropDatabase = database.drop;
      env = { LEDGERLINE_DATA_DIR: dataDir, DATABASE_URL: database.url };
      openStore = () => PostgresEventStore.connect({ connectionString: database.url, poolSize: 1 });
    } else {
      env = { LEDGERLINE_DATA_DIR: dataDir };
      openStore = async () => SqliteEventStore.open({ path: join(dataDir, 'events.db') });
    }
    const store = await openStore();
    await store.append('acme', 'memory:user:alice:notes', 'no-stream', [{ type: 'MemoryItemPut', data: { key: 'a', value: 1 } }, { type: 'MemoryItemPut', data: { key: 'b', value: 2 } }]);
    await store.append('globex', 'memory:user:bob:notes', 'no-stream', [{ type: 'MemoryItemPut', data: { key: 'a', value: 'globex-secret' } }]);
    await store.append('acme', 'connector-crm', 'no-stream', [{ type: 'ConnectorRegistered', data: { name: 'crm' } }]);
    await store.close();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase();
  });

  const logOf = async (tenantId: string) => {
    const store = await openStore();
    try {
      return await collect(store.readAll({ tenantId }));
    } finally {
      await store.close();
    }
  };

  it('exports to a file (0600) with a JSON summary, records the operator, and verifies with the local key and with the JWKS', async () => {
    const run = await cli(['export', '--tenant', 'acme', '--out', file('acme.ndjson.gz'), '--json'], env);
    expect(run.stderr).toBe(`created the export signing key ${join(dataDir, 'keys', 'export-signing.pem')}\n`);
    expect(run.code).toBe(0);
    const key = ExportSigningKey.load({ dataDir }, { create: false });
    const summary = JSON.parse(run.stdout.toString()) as { counts: { events: number; byType: Record<string, number> }; keyId: string; chainHead: string; exportId: string };
    expect(summary).toMatchObject({ file: file('acme.ndjson.gz'), tenantId: 'acme', keyId: key.keyId, counts: { events: 4, byType: { MemoryItemPut: 2, ConnectorRegistered: 1, ExportRequested: 1 }, viewRows: 0 } });
    expect(statSync(file('acme.ndjson.gz')).mode & 0o777).toBe(0o600);
    expect(linesOf(readFileSync(file('acme.ndjson.gz'))).join('\n')).not.toContain('globex');

    const log = await logOf('acme');
    expect(log.slice(-2).map((event) => [event.type, event.streamId, event.metadata.userId, event.metadata.tool])).toEqual([
      ['ExportRequested', summary.exportId, 'ops:cli', 'cli:export'],
      ['ExportCompleted', summary.exportId, 'ops:cli', 'cli:export'],
    ]);
    expect(log[log.length - 2]!.hash).toBe(summary.chainHead);

    const local = await cli(['verify', file('acme.ndjson.gz')], env);
    expect(local).toMatchObject({ code: 0, stderr: '' });
    expect(local.stdout.toString()).toBe(`valid: 4 events and 0 view rows of tenant acme, chain head ${summary.chainHead}, signed by key ${key.keyId}\n`);
    writeFileSync(file('jwks.json'), JSON.stringify(key.jwks()));
    writeFileSync(file('public.pem'), key.publicKey.export({ type: 'spki', format: 'pem' }));
    for (const trusted of ['jwks.json', 'public.pem']) {
      const run = await cli(['verify', file('acme.ndjson.gz'), '--key', file(trusted), '--json'], {});
      expect({ trusted, code: run.code }).toEqual({ trusted, code: 0 });
      expect(JSON.parse(run.stdout.toString())).toMatchObject({ ok: true, events: 4, manifest: { keyId: key.keyId } });
    }
  });

  it('writes the file to stdout with --out - and the summary to stderr, as --operator', async () => {
    const run = await cli(['export', '--tenant', 'globex', '--out', '-', '--operator', 'ops:carol'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^exported 2 events \(MemoryItemPut 1, ExportRequested 1\) and 0 view rows of tenant globex to stdout\nchain head [0-9a-f]{64}\nsigned by key [\w-]+\nrecorded as export-/);
    writeFileSync(file('globex.ndjson.gz'), run.stdout);
    expect(await cli(['verify', file('globex.ndjson.gz')], env)).toMatchObject({ code: 0 });
    expect((await logOf('globex')).at(-1)!.metadata.userId).toBe('ops:carol');
  });

  it('exits 3 naming the line when the file fails verification or its key is not trusted', async () => {
    const lines = linesOf(readFileSync(file('acme.ndjson.gz')));
    writeFileSync(file('dropped.ndjson.gz'), gzipLines(lines.filter((_, i) => i !== 2)));
    const dropped = await cli(['verify', file('dropped.ndjson.gz')], env);
    expect(dropped).toMatchObject({ code: 3, stderr: 'line 3: tenantPosition 3 does not follow 1: a line is missing or out of order\n' });
    expect(dropped.stdout.toString()).toBe('');

    writeFileSync(file('other-jwks.json'), JSON.stringify(otherSigner().jwks()));
    const untrusted = await cli(['verify', file('acme.ndjson.gz'), '--key', file('other-jwks.json'), '--json'], {});
    expect(untrusted.code).toBe(3);
    expect(JSON.parse(untrusted.stdout.toString())).toMatchObject({ ok: false, firstBrokenLine: lines.length, problem: expect.stringMatching(/not a trusted key/) });
  });

  it('exits 2 on bad arguments and unknown tenants, appending nothing and writing no file', async () => {
    const before = [(await logOf('acme')).length, (await logOf('initech')).length];
    const cases: Array<[string[], RegExp]> = [
      [['export', '--tenant', 'initech', '--out', file('none.gz')], /tenant initech has no events \[compliance.export.unknown_tenant\]/],
      [['export', '--tenant', 'bad tenant', '--out', file('none.gz')], /invalid tenant id/],
      [['export', '--tenant', 'acme', '--since', 'yesterday', '--out', file('none.gz')], /since must be an ISO-8601 instant/],
      [['export', '--tenant', 'acme', '--since', '2025-02-01T00:00:00Z', '--until', '2025-01-01T00:00:00Z', '--out', file('none.gz')], /must be before/],
      [['export', '--tenant', 'acme', '--out', file('acme.ndjson.gz')], /exists: give another --out/],
      [['export', '--out', file('none.gz')], /required option '--tenant <id>'/],
      [['verify', file('missing.ndjson.gz')], /does not exist/],
      [['verify', file('acme.ndjson.gz'), '--key', file('missing.json')], /cannot read --key/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
    const noKey = await cli(['verify', file('acme.ndjson.gz')], { LEDGERLINE_DATA_DIR: join(dir, 'elsewhere') });
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringMatching(/no --key given and no export signing key/) });
    expect(existsSync(file('none.gz'))).toBe(false);
    expect([(await logOf('acme')).length, (await logOf('initech')).length]).toEqual(before);
  });
});
