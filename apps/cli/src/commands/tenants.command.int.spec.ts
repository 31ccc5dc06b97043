import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT } from '#tenants';
import { collect } from '../../../../libs/event-store/src/testing/event-store.contract.js';
import { cliHarness, type CliHarness } from '../testing/cli-harness.js';

describe.each(['sqlite', 'postgres'] as const)('ledgerline tenants on %s', (kind) => {
  let h: CliHarness;
  const registry = async () => collect(h.store.readAll({ tenantId: PLATFORM_TENANT }));

  beforeAll(async () => {
    h = await cliHarness(kind);
  });
  afterAll(async () => h?.cleanup());

  it('creates, suspends, resumes and lists tenants as registry events under the platform tenant', async () => {
    expect(await h.cli(['tenants', 'create', 'acme', '--name', 'Acme Corp', '--json'])).toEqual({ code: 0, stdout: '{"id":"acme","name":"Acme Corp"}\n', stderr: '' });
    expect((await h.cli(['tenants', 'create', 'globex', '--name', 'Globex', '--operator', 'alice@ops'])).stdout).toBe('created tenant globex\n');
    expect(await h.cli(['tenants', 'suspend', 'acme', '--reason', 'unpaid invoices', '--json'])).toMatchObject({ code: 0, stdout: '{"id":"acme","status":"suspended"}\n' });

    const listed = JSON.parse((await h.cli(['tenants', 'list', '--json'])).stdout) as { tenants: Array<Record<string, unknown>> };
    expect(listed.tenants).toEqual([
      expect.objectContaining({ id: 'acme', name: 'Acme Corp', status: 'suspended', reason: 'unpaid invoices', createdBy: 'ops:cli', suspendedAt: expect.stringMatching(/^\d{4}-/) }),
      expect.objectContaining({ id: 'globex', status: 'active', suspendedAt: null, reason: null, createdBy: 'alice@ops' }),
    ]);
    expect((await h.cli(['tenants', 'list'])).stdout).toMatch(/^acme\tAcme Corp\tsuspended since .*: unpaid invoices/);

    expect(await h.cli(['tenants', 'resume', 'acme'])).toMatchObject({ code: 0, stdout: 'resumed tenant acme\n' });
    const events = await registry();
    expect(events.map((e) => [e.streamId, e.type])).toEqual([
      ['tenant-acme', 'TenantCreated'], ['tenant-globex', 'TenantCreated'], ['tenant-acme', 'TenantSuspended'], ['tenant-acme', 'TenantResumed'],
    ]);
    expect(events[2]).toMatchObject({ data: { tenantId: 'acme', reason: 'unpaid invoices' }, metadata: { userId: 'ops:cli', clientId: 'ledgerline-cli', tool: 'cli:tenants suspend' } });
  });

  it('refuses bad input, unknown tenants and wrong states with exit 2 and a typed message, appending nothing', async () => {
    const before = await registry();
    const cases: Array<[string[], RegExp]> = [
      [['tenants', 'suspend', 'nobody', '--reason', 'x'], /\[tenant\.not_found\]/],
      [['tenants', 'resume', 'nobody'], /\[tenant\.not_found\]/],
      [['tenants', 'suspend', 'globex', '--reason', '   '], /\[tenant\.invalid_reason\]/],
      [['tenants', 'suspend', 'globex'], /required option '--reason <text>'/],
      [['tenants', 'create', 'bad id', '--name', 'x'], /\[store\.invalid_tenant_id\]/],
      [['tenants', 'create', PLATFORM_TENANT, '--name', 'x'], /\[tenant\.reserved_id\]/],
      [['tenants', 'create', 'newco', '--name', ' '], /\[tenant\.invalid_name\]/],
      [['tenants', 'create', 'newco', '--name', 'x', '--operator', 'has space'], /\[cli\.invalid_operator\]/],
    ];
    for (const [args, message] of cases) {
      const run = await h.cli(args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
    // Conflicts with the registry's state exit 1 (exit-codes.ts): the request was fine, the moment was not.
    const conflict = async (args: string[], message: RegExp): Promise<void> => {
      const run = await h.cli(args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(run.stderr).toMatch(message);
    };
    await conflict(['tenants', 'resume', 'globex'], /\[tenant\.not_suspended\]/);
    await conflict(['tenants', 'create', 'acme', '--name', 'again'], /\[tenant\.exists\]/);
    await h.cli(['tenants', 'suspend', 'globex', '--reason', 'audit']);
    await conflict(['tenants', 'suspend', 'globex', '--reason', 'again'], /\[tenant\.already_suspended\]/);
    expect((await registry()).length).toBe(before.length + 1);
  });
});
