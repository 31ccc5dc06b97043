import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalAccounts, openIdentityStore } from '#identity';
import { collect } from '../../../../libs/event-store/src/testing/event-store.contract.js';
import { cliHarness, type CliHarness } from '../testing/cli-harness.js';
import { storeSettingsFromEnv } from '../stores.js';

const PASSWORD = 'a password long enough';

describe.each(['sqlite', 'postgres'] as const)('ledgerline users on %s', (kind) => {
  let h: CliHarness;
  const accountEvents = async (tenantId: string) => (await collect(h.store.readAll({ tenantId }))).filter((event) => event.streamId.startsWith('account-'));
  const signIn = async (tenantId: string, username: string, password: string) => {
    const identity = await openIdentityStore(storeSettingsFromEnv(h.env).settings);
    try {
      return await new LocalAccounts(identity.accounts).signIn(tenantId, username, password);
    } finally {
      await identity.close();
    }
  };

  beforeAll(async () => {
    h = await cliHarness(kind);
    for (const tenant of ['acme', 'globex']) await h.cli(['tenants', 'create', tenant, '--name', tenant]);
  });
  afterAll(async () => h?.cleanup());

  it('adds accounts (a generated password shown once, or one from stdin), lists, disables and enables them, each an event without the password', async () => {
    const generated = JSON.parse((await h.cli(['users', 'add', 'alice', '--tenant', 'acme', '--json'])).stdout) as { password: string };
    expect(generated.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await signIn('acme', 'alice', generated.password)).toEqual({ ok: true });
    expect(await h.cli(['users', 'add', 'bob', '--tenant', 'acme', '--password-stdin'], `${PASSWORD}\n`)).toEqual({ code: 0, stdout: 'added bob to acme\n', stderr: '' });
    expect(await signIn('acme', 'bob', PASSWORD)).toEqual({ ok: true });

    expect(await h.cli(['users', 'disable', 'bob', '--tenant', 'acme'])).toMatchObject({ code: 0 });
    expect(await signIn('acme', 'bob', PASSWORD)).toEqual({ ok: false, reason: 'disabled' });
    const listed = JSON.parse((await h.cli(['users', 'list', '--tenant', 'acme', '--json'])).stdout) as { users: Array<{ username: string; disabled: boolean }> };
    expect(listed.users.map(({ username, disabled }) => [username, disabled])).toEqual([['alice', false], ['bob', true]]);
    expect(await h.cli(['users', 'enable', 'bob', '--tenant', 'acme'])).toMatchObject({ code: 0 });
    expect(await signIn('acme', 'bob', PASSWORD)).toEqual({ ok: true });

    const events = await accountEvents('acme');
    expect(events.map((event) => [event.streamId, event.type])).toEqual([
      ['account-alice', 'LocalAccountAdded'], ['account-bob', 'LocalAccountAdded'], ['account-bob', 'LocalAccountDisabled'], ['account-bob', 'LocalAccountEnabled'],
    ]);
    expect(JSON.stringify(await collect(h.store.readAll()))).not.toContain(PASSWORD);
    expect(JSON.stringify(await collect(h.store.readAll()))).not.toContain(generated.password);
  });

  it('keeps tenants apart: the same username in another tenant is another account', async () => {
    expect(await signIn('globex', 'alice', PASSWORD)).toEqual({ ok: false, reason: 'unknown_account' });
    expect((await h.cli(['users', 'disable', 'alice', '--tenant', 'globex'])).stderr).toMatch(/\[identity\.account\.not_found\]/);
    expect(await h.cli(['users', 'add', 'alice', '--tenant', 'globex', '--password-stdin'], PASSWORD)).toMatchObject({ code: 0 });
    expect(await signIn('globex', 'alice', PASSWORD)).toEqual({ ok: true });
  });

  it('refuses bad input with a typed message, changing nothing', async () => {
    const before = (await collect(h.store.readAll())).length;
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['users', 'add', 'carol', '--tenant', 'nobody', '--password-stdin'], PASSWORD, /\[tenant\.not_found\]/],
      [['users', 'add', 'bad name', '--tenant', 'acme', '--password-stdin'], PASSWORD, /\[identity\.account\.invalid_username\]/],
      [['users', 'add', 'carol', '--tenant', 'acme', '--password-stdin'], 'short', /\[identity\.account\.weak_password\]/],
      [['users', 'add', 'alice', '--tenant', 'acme', '--password-stdin'], PASSWORD, /\[identity\.account\.exists\]/],
      [['users', 'disable', 'nobody', '--tenant', 'acme'], undefined, /\[identity\.account\.not_found\]/],
      [['users', 'add', 'carol'], undefined, /required option '--tenant <id>'/],
    ];
    for (const [args, stdin, message] of cases) {
      const run = await h.cli(args, stdin);
      expect({ args, code: run.code === 0 }).toEqual({ args, code: false });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain(PASSWORD);
    }
    expect((await collect(h.store.readAll())).length).toBe(before);
    expect(await signIn('acme', 'carol', PASSWORD)).toEqual({ ok: false, reason: 'unknown_account' });
  });
});
