import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cliHarness, type CliHarness } from '../testing/cli-harness.js';

const by = (userId: string) => ({ userId, tool: 'memory_put', correlationId: 'c' });
const put = (key: string, value: unknown, user = 'alice') => ({ type: 'MemoryItemPut', data: { key, value } as never, metadata: by(user) });
const del = (key: string) => ({ type: 'MemoryItemDeleted', data: { key }, metadata: by('alice') });
const sealed = { v: 1, keyId: 'dk-1', iv: 'aXZpdml2aXZpdml2', ciphertext: 'Q0lQSEVSVEVYVC1TRUNSRVQ=', tag: 'dGFndGFndGFndGFndGFnMQ==' };

interface Inspected {
  aggregate: string | null;
  version: number;
  currentVersion: number;
  events: Array<{ version: number; tenantPosition: number; type: string; userId: string | null; data?: unknown }>;
  state: unknown;
}

describe.each(['sqlite', 'postgres'] as const)('ledgerline inspect on %s', (kind) => {
  let h: CliHarness;
  let secondPutAt: string;
  const inspect = async (args: string[]): Promise<Inspected> => {
    const run = await h.cli(['inspect', '--tenant', 'acme', ...args, '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as Inspected;
  };

  beforeAll(async () => {
    h = await cliHarness(kind);
    await h.store.append('acme', 'memory:tenant:notes', 'no-stream', [put('a', 1), put('b', { x: 2 })]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    secondPutAt = (await h.store.readStream('acme', 'memory:tenant:notes')).at(-1)!.recordedAt;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await h.store.append('acme', 'memory:tenant:notes', 2, [del('a'), put('b', 'replaced', 'bob')]);
    await h.store.append('acme', 'connector-crm', 'no-stream', [
      { type: 'ConnectorRegistered', data: { name: 'crm', description: 'CRM', config: { baseUrl: 'https://crm.example.com', allowedHosts: ['crm.example.com'] } } },
      { type: 'ConnectorSecretRotated', data: { name: 'crm', version: 1, sealed } },
    ]);
    await h.store.append('acme', 'ledger-42', 'no-stream', [{ type: 'Posted', data: { amount: 3 } }]);
    await h.store.append('globex', 'memory:tenant:notes', 'no-stream', [put('a', 'globex only')]);
  });
  afterAll(async () => h?.cleanup());

  it("folds a memory stream with memory's own fold: now, and as of an earlier tenant position or time", async () => {
    const now = await inspect(['--stream', 'memory:tenant:notes']);
    // The memory state holds each value's fingerprint, never the value: the keyed digest of a sealed
    // value, or the canonical JSON of a value written unsealed (as these are).
    expect(now).toMatchObject({ aggregate: 'memory', version: 4, currentVersion: 4, state: { items: { b: '"replaced"' } } });
    expect(now.events.map((e) => [e.version, e.type, e.userId])).toEqual([[1, 'MemoryItemPut', 'alice'], [2, 'MemoryItemPut', 'alice'], [3, 'MemoryItemDeleted', 'alice'], [4, 'MemoryItemPut', 'bob']]);
    expect(now.events[0]!.data).toBeUndefined();

    expect(await inspect(['--stream', 'memory:tenant:notes', '--as-of-position', '2'])).toMatchObject({ version: 2, currentVersion: 4, state: { items: { a: '1', b: '{"x":2}' } } });
    expect(await inspect(['--stream', 'memory:tenant:notes', '--as-of-position', '3'])).toMatchObject({ version: 3, state: { items: { b: '{"x":2}' } } });
    expect(await inspect(['--stream', 'memory:tenant:notes', '--as-of', secondPutAt])).toMatchObject({ version: 2, state: { items: { a: '1', b: '{"x":2}' } } });
    expect(await inspect(['--stream', 'memory:tenant:notes', '--as-of', '2000-01-01T00:00:00Z'])).toMatchObject({ version: 0, events: [], state: { items: {} } });

    const text = await h.cli(['inspect', '--tenant', 'acme', '--stream', 'memory:tenant:notes', '--as-of-position', '2', '--events']);
    expect(text.stdout).toContain('version 2 as of tenant position 2 (now 4)');
    expect(text.stdout).toMatch(/v1 {2}pos 1 .* MemoryItemPut {2}by alice via memory_put {2}\{"key":"a","value":1\}/);
  });

  it('keeps sealed secrets sealed in connector state and event data, and lists events only for unknown kinds of stream', async () => {
    const connector = await h.cli(['inspect', '--tenant', 'acme', '--stream', 'connector-crm', '--events', '--json']);
    expect(connector.stdout).not.toContain(sealed.ciphertext);
    expect(connector.stdout).not.toContain(sealed.tag);
    const report = JSON.parse(connector.stdout) as Inspected;
    expect(report.state).toMatchObject({ status: 'registered', currentSecretVersion: 1, liveSecrets: [{ version: 1, keyId: 'dk-1' }] });
    expect(report.events[1]!.data).toEqual({ name: 'crm', version: 1, sealed: { sealed: true, keyId: 'dk-1' } });

    expect(await inspect(['--stream', 'ledger-42'])).toMatchObject({ aggregate: null, state: null, events: [{ type: 'Posted' }] });
    expect((await h.cli(['inspect', '--tenant', 'acme', '--stream', 'ledger-42'])).stdout).toContain('no fold for this stream');
  });

  it("folds a dry run's stream with its own fold, its sealed input and plan kept sealed", async () => {
    const planned = { dryRunId: 'dryrun-1', automation: 'pay_invoice', version: 2, requestedBy: 'alice', plannedAt: 1, outcome: 'completed', error: null, input: { $sealed: sealed }, steps: { $sealed: sealed } };
    await h.store.append('initech', 'dryrun-1', 'no-stream', [{ type: 'DryRunPlanned', data: planned }]);
    const run = await h.cli(['inspect', '--tenant', 'initech', '--stream', 'dryrun-1', '--json']);
    expect(run.stdout).not.toContain(sealed.ciphertext);
    expect(JSON.parse(run.stdout)).toMatchObject({ aggregate: 'dry run', version: 1, state: { status: 'planned', planned: { automation: 'pay_invoice', outcome: 'completed', steps: { $sealed: { sealed: true, keyId: 'dk-1' } } } } });
  });

  it("lists the tenant's streams only, paged by stream id", async () => {
    const first = JSON.parse((await h.cli(['inspect', '--tenant', 'acme', '--limit', '2', '--json'])).stdout) as { streams: Array<{ streamId: string; version: number; lastEventAt: string }>; next: string | null };
    expect(first.streams.map((s) => [s.streamId, s.version])).toEqual([['connector-crm', 2], ['ledger-42', 1]]);
    expect(first.next).toBe('ledger-42');
    const second = JSON.parse((await h.cli(['inspect', '--tenant', 'acme', '--limit', '2', '--after', first.next!, '--json'])).stdout) as typeof first;
    expect(second).toMatchObject({ streams: [{ streamId: 'memory:tenant:notes', version: 4 }], next: null });
    expect((await h.cli(['inspect', '--tenant', 'globex'])).stdout).toMatch(/^memory:tenant:notes\tversion 1\t/);
  });

  it('exits 2 with a typed message on an unknown stream (of this tenant) and on bad options', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--tenant', 'acme', '--stream', 'memory:tenant:missing'], /\[inspect\.unknown_stream\]/],
      [['--tenant', 'globex', '--stream', 'connector-crm'], /\[inspect\.unknown_stream\]/],
      [['--tenant', 'acme', '--stream', 'bad stream'], /\[store\.invalid_stream_id\]/],
      [['--tenant', 'bad tenant'], /\[store\.invalid_tenant_id\]/],
      [['--tenant', 'acme', '--stream', 'ledger-42', '--as-of-position', '0'], /expected a whole number >= 1/],
      [['--tenant', 'acme', '--stream', 'ledger-42', '--as-of', 'yesterday'], /\[inspect\.invalid_as_of\]/],
      [['--tenant', 'acme', '--stream', 'ledger-42', '--as-of', '2020-01-01T00:00:00Z', '--as-of-position', '1'], /\[inspect\.as_of_both\]/],
      [['--tenant', 'acme', '--limit', '5000'], /\[inspect\.invalid_limit\]/],
    ];
    for (const [args, message] of cases) {
      const run = await h.cli(['inspect', ...args]);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
  });
});
