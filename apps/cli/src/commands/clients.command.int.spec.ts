import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openIdentityStore } from '#identity';
import { collect } from '../../../../libs/event-store/src/testing/event-store.contract.js';
import { storeSettingsFromEnv } from '../stores.js';
import { cliHarness, type CliHarness } from '../testing/cli-harness.js';

describe.each(['sqlite', 'postgres'] as const)('ledgerline clients on %s', (kind) => {
  let h: CliHarness;
  const acme = async () => collect(h.store.readAll({ tenantId: 'acme' }));

  beforeAll(async () => {
    h = await cliHarness(kind);
    expect((await h.cli(['tenants', 'create', 'acme', '--name', 'Acme'])).code).toBe(0);
  });
  afterAll(async () => h?.cleanup());

  it('registers a service principal (secret printed once, stored sealed) and an interactive app, each as ClientRegistered in the tenant', async () => {
    const added = await h.cli(['clients', 'add', '--tenant', 'acme', '--name', 'Nightly reconciler', '--service', '--scopes', 'runs:read connectors:read', '--json']);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const service = JSON.parse(added.stdout) as { clientId: string; clientSecret: string };
    expect(service).toMatchObject({ clientId: expect.stringMatching(/^svc-/), kind: 'service', tenantId: 'acme', scopes: ['runs:read', 'connectors:read'], disabled: false, clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const app = await h.cli(['clients', 'add', '--tenant', 'acme', '--name', 'Desk', '--redirect-uri', 'https://desk.example/cb', '--redirect-uri', 'http://127.0.0.1:9/cb']);
    expect(app.stdout).toMatch(/^registered interactive client app-\S+ \(Desk\) in acme\n$/);

    const listed = JSON.parse((await h.cli(['clients', 'list', '--tenant', 'acme', '--json'])).stdout) as { clients: Array<Record<string, unknown>> };
    expect(listed.clients.map((client) => client.name)).toEqual(['Desk', 'Nightly reconciler']);
    expect(JSON.stringify(listed)).not.toContain(service.clientSecret);
    expect((await h.cli(['clients', 'list', '--tenant', 'acme'])).stdout).toMatch(/\tservice\tNightly reconciler\tactive\truns:read connectors:read\t/);

    const events = await acme();
    expect(events.map((event) => [event.type, event.streamId])).toEqual([['ClientRegistered', `client-${service.clientId}`], ['ClientRegistered', expect.stringMatching(/^client-app-/)]]);
    expect(events[0]).toMatchObject({ data: { method: 'admin', grantTypes: ['client_credentials'], scopes: ['runs:read', 'connectors:read'] }, metadata: { userId: 'ops:cli', tool: 'cli:clients add' } });
    expect(JSON.stringify(events)).not.toContain(service.clientSecret);
    const identity = await openIdentityStore(storeSettingsFromEnv(h.env).settings);
    try {
      const stored = await identity.artifacts.find('Client', service.clientId);
      expect(stored?.payload).toMatchObject({ client_id: service.clientId, tenant_id: 'acme' });
      expect(JSON.stringify(stored)).not.toContain(service.clientSecret);
    } finally {
      await identity.close();
    }
  });

  it('refuses bad input and unknown tenants with exit 2 and a typed message, registering and appending nothing', async () => {
    const before = (await acme()).length;
    const cases: Array<[string[], RegExp]> = [
      [['--tenant', 'nobody', '--name', 'x', '--service', '--scopes', 'runs:read'], /\[tenant\.not_found\]/],
      [['--tenant', 'acme', '--name', 'x', '--service', '--scopes', 'runs:write'], /\[identity\.client\.unknown_scope\]/],
      [['--tenant', 'acme', '--name', 'x', '--service', '--scopes', 'platform:admin'], /\[identity\.client\.scope_not_allowed\]/],
      [['--tenant', 'acme', '--name', 'x', '--service'], /\[identity\.client\.scopes_required\]/],
      [['--tenant', 'acme', '--name', 'x', '--service', '--scopes', 'runs:read', '--redirect-uri', 'https://x.example/cb'], /\[identity\.client\.redirect_uri_not_allowed\]/],
      [['--tenant', 'acme', '--name', 'x'], /\[identity\.client\.redirect_uri_required\]/],
      [['--tenant', 'acme', '--name', 'x', '--redirect-uri', 'http://x.example/cb'], /\[identity\.client\.invalid_redirect_uri\]/],
      [['--tenant', 'acme', '--name', ' ', '--service', '--scopes', 'runs:read'], /\[identity\.client\.invalid_name\]/],
    ];
    for (const [args, message] of cases) {
      const run = await h.cli(['clients', 'add', ...args]);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
    expect((await acme()).length).toBe(before);
    expect((JSON.parse((await h.cli(['clients', 'list', '--tenant', 'acme', '--json'])).stdout) as { clients: unknown[] }).clients).toHaveLength(2);
  });
});
