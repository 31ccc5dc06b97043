import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openViewDb, ViewRebuild, type ViewDb } from '#projections';
import { PLATFORM_TENANT } from '#tenants';
import { ALL_PROJECTIONS } from '../apps/cli/src/projections.js';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { assertNoCspViolations, assertNoHorizontalOverflow, checkAccessibility, launchChromium, newTestContext, screenshot } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { signInToConsole, type ConsolePerson } from './support/console-sign-in.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { publishGhost, registerShop, startGhostRun } from './support/ghost-runs.js';
import { callOk, connect } from './support/mcp-session.js';
import { addUser } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest } from './support/rest.js';
import { until } from './support/until.js';

const PASSWORD = 'operations-pass-0123456789';
const OPERATOR: ConsolePerson = { tenant: 'ops', username: 'olga', password: PASSWORD };
const TENANT_USER: ConsolePerson = { tenant: 'acme', username: 'alice', password: PASSWORD };
const OPERATIONS_PAGES = ['/console/operations', '/console/operations/tenants', '/console/operations/views', '/console/operations/kafka', '/console/operations/dead-letters', '/console/operations/instances'];

/** A person signed in to the console in a browser context of their own, watched for CSP violations. */
async function signedIn(browser: Browser, contexts: BrowserContext[], url: string, person: ConsolePerson, viewport: 'desktop' | 'narrow' = 'desktop'): Promise<Page> {
  const context = await newTestContext(browser, { viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signInToConsole(page, url, person);
  return page;
}

/** axe-core (no serious or critical violation), the strict CSP, and a screenshot. */
async function checked(page: Page, name: string): Promise<void> {
  await checkAccessibility(page, name);
  await assertNoCspViolations(page);
  await screenshot(page, `operations-${name}`);
}

const heading = (page: Page): Promise<string> => page.getByRole('heading', { level: 1 }).innerText();
const submit = async (page: Page, button: string): Promise<void> => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
};

/**
 * The console's Operations section in Chromium on a real platform whose operator
 * (LEDGERLINE_OPERATORS) holds platform:admin: tenants created, suspended (the tenant's agent is
 * refused at once) and resumed; views, instances, and the honest "no Kafka" state of the embedded
 * default; nothing of it for a tenant's own people.
 */
describe('console operations (embedded SQLite)', () => {
  let h: PlatformHarness;
  let browser: Browser;
  let agent: Client;
  let views: ViewDb;
  let operator: Page;
  const contexts: BrowserContext[] = [];
  /** The registry's own events (the tenants created, suspended, resumed). */
  const registry = async (): Promise<number> => (await collect(h.store.readAll({ tenantId: PLATFORM_TENANT }))).filter((event) => event.type.startsWith('Tenant')).length;

  beforeAll(async () => {
    [h, browser] = await Promise.all([startPlatformOn('sqlite', { LEDGERLINE_OPERATORS: 'ops:olga', LEDGERLINE_INSTANCE_HEARTBEAT_MS: '500' }), launchChromium()]);
    await addUser(h, 'ops', 'olga', PASSWORD);
    await addUser(h, 'acme', 'alice', PASSWORD);
    const admin = h.issuer.mint({ tenantId: 'ops', userId: 'root', scopes: ['platform:admin'] });
    for (let i = 0; i < 12; i++) expect((await rest(h.platform.url, 'POST', '/v1/tenants', admin, { id: `tenant-${i}`, name: `Tenant ${i}` })).status).toBe(201);
    agent = await connect(h.platform, h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: ['memory:read', 'memory:write'] }));
    views = openViewDb({ kind: 'sqlite', dataDir: h.platform.dataDir });
    operator = await signedIn(browser, contexts, h.platform.url, OPERATOR);
  });
  afterAll(async () => {
    await agent?.close();
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await views?.close();
    await h?.stop();
  });

  it('shows an operator the Operations entry last and its five pages; a tenant user neither sees it nor opens it (403)', async () => {
    await operator.goto(`${h.platform.url}/console/operations`);
    expect((await operator.locator('nav.ll-nav a').allInnerTexts()).at(-1)).toBe('Operations');
    expect(await operator.locator('.ll-op-links a').allInnerTexts()).toEqual(['Tenants', 'Views', 'Kafka', 'Dead letters', 'Instances']);
    await checked(operator, 'landing');

    const alice = await signedIn(browser, contexts, h.platform.url, TENANT_USER);
    expect(await alice.locator('nav.ll-nav a').allInnerTexts()).not.toContain('Operations');
    for (const path of OPERATIONS_PAGES) {
      const answer = await alice.goto(`${h.platform.url}${path}`);
      expect([path, answer?.status()]).toEqual([path, 403]);
    }
    expect(await alice.locator('main').innerText()).toContain('platform:admin');
    await checked(alice, 'refused-to-tenant-user');
  });

  it('creates a tenant: a bad id and a duplicate are refused at the id field, appending nothing', async () => {
    await operator.goto(`${h.platform.url}/console/operations/tenants`);
    await checked(operator, 'tenants');
    await Promise.all([operator.waitForNavigation(), operator.getByRole('link', { name: 'Create a tenant' }).click()]);
    expect(await heading(operator)).toBe('Create a tenant');
    const before = await registry();

    await operator.fill('#id', 'bad id!');
    await operator.fill('#name', 'Bad');
    await submit(operator, 'Create the tenant');
    expect(await operator.locator('.ll-error-summary a[href="#id"]').innerText()).toContain('The id must be 1 to 64 letters');
    expect(await operator.locator('#id-error').innerText()).toContain('The id must be 1 to 64 letters');
    expect(await operator.locator('#name').inputValue()).toBe('Bad');
    await checked(operator, 'tenant-create-bad-id');

    await operator.fill('#id', 'acme');
    await submit(operator, 'Create the tenant');
    expect(await operator.locator('#id-error').innerText()).toBe('A tenant with the id acme exists already: choose another id.');
    expect(await registry()).toBe(before);

    await operator.fill('#id', 'initech');
    await operator.fill('#name', 'Initech');
    await submit(operator, 'Create the tenant');
    expect(await operator.getByRole('status').innerText()).toContain('Tenant initech is created.');
    expect(await operator.getByRole('row').filter({ hasText: 'initech' }).innerText()).toContain('Initech');
    expect(await registry()).toBe(before + 1);
  });

  it("suspends a tenant behind a confirmation naming it, with a reason required: its agent's next MCP call is refused (403 tenant.suspended) until it is resumed", async () => {
    await callOk(agent, 'memory_put', { key: 'before', value: 1 });
    await operator.goto(`${h.platform.url}/console/operations/tenants?q=acme`);
    await Promise.all([operator.waitForNavigation(), operator.getByRole('link', { name: 'Suspend acme' }).click()]);
    expect(await heading(operator)).toBe('Suspend acme?');
    await checked(operator, 'tenant-suspend-confirm');
    const before = await registry();
    await submit(operator, 'Suspend acme');
    expect(await operator.locator('#reason-error').innerText()).toBe('Enter why acme is suspended.');
    expect(await registry()).toBe(before);
    await checked(operator, 'tenant-suspend-no-reason');

    await operator.fill('#reason', 'Unpaid invoices');
    await submit(operator, 'Suspend acme');
    expect(await operator.getByRole('status').innerText()).toContain('acme is suspended');
    const row = operator.getByRole('row').filter({ hasText: 'Unpaid invoices' });
    expect(await row.innerText()).toContain('suspended');
    const refusal = await until(async () => {
      try {
        await agent.callTool({ name: 'memory_put', arguments: { key: 'during', value: 2 } });
        return undefined;
      } catch (error) {
        return error as Error & { code?: number };
      }
    }, 10_000, "the suspended tenant's agent refused", 100);
    expect(refusal.code).toBe(403);
    expect(refusal.message).toContain('tenant.suspended');
    await checked(operator, 'tenants-suspended');

    await Promise.all([operator.waitForNavigation(), row.getByRole('link', { name: 'Resume acme' }).click()]);
    expect(await heading(operator)).toBe('Resume acme?');
    await checked(operator, 'tenant-resume-confirm');
    await submit(operator, 'Resume acme');
    expect(await operator.getByRole('status').innerText()).toContain('acme is resumed');
    await until(async () => (await agent.callTool({ name: 'memory_put', arguments: { key: 'after', value: 3 } }).then(() => true, () => undefined)), 10_000, "the resumed tenant's agent served", 100);
  });

  it("shows every view with its lag, and an online rebuild's progress appears without a reload", async () => {
    await operator.goto(`${h.platform.url}/console/operations/views`);
    const table = operator.locator('#views-live table');
    for (const view of ALL_PROJECTIONS) expect(await table.innerText()).toContain(view.name);
    expect(await operator.locator('#views-live').innerText()).toMatch(/The log's head is at position \d+\./);
    await operator.locator('#views-live', { hasText: `All ${ALL_PROJECTIONS.length} views hold every event.` }).waitFor();
    await checked(operator, 'views');

    const tenants = ALL_PROJECTIONS.find((projection) => projection.name === 'tenants')!;
    const interrupt = new AbortController();
    const interrupted = await new ViewRebuild(h.store, views, tenants, { batchSize: 5, signal: interrupt.signal, onProgress: (_position, _head, events) => (events > 0 ? interrupt.abort() : undefined) }).run();
    expect(interrupted).toMatchObject({ outcome: 'interrupted' });
    const progress = operator.getByRole('progressbar', { name: 'Rebuild of tenants' });
    await progress.waitFor();
    expect(operator.url()).toBe(`${h.platform.url}/console/operations/views`);
    expect(await operator.getByRole('row').filter({ hasText: 'tenants' }).innerText()).toMatch(new RegExp(`position ${interrupted.position} of \\d+, generation 1`));
    await checked(operator, 'views-rebuilding');
    expect(await new ViewRebuild(h.store, views, tenants).run()).toMatchObject({ outcome: 'switched' });
    await progress.waitFor({ state: 'detached' });
  });

  it('shows this platform on the instances page, running and ready; the Kafka and dead-letter pages say there is no Kafka', async () => {
    await operator.goto(`${h.platform.url}/console/operations/instances`);
    const row = operator.getByRole('row').filter({ hasText: 'Platform (all in one)' });
    const text = await row.innerText();
    for (const shown of ['running', 'ready', 'drain: ok', 'eventStore: ok', 'every 0.5 s']) expect(text).toContain(shown);
    await checked(operator, 'instances');

    for (const [path, name] of [['/console/operations/kafka', 'kafka-without-kafka'], ['/console/operations/dead-letters', 'dead-letters-without-kafka']] as const) {
      await operator.goto(`${h.platform.url}${path}`);
      expect(await operator.locator('main').innerText()).toContain('This platform runs without Kafka.');
      expect(await operator.getByRole('button', { name: /Redrive/ }).count()).toBe(0);
      await checked(operator, name);
    }
  });

  it('fits every operations page, its forms and confirmations in 360 px', async () => {
    const narrow = await signedIn(browser, contexts, h.platform.url, OPERATOR, 'narrow');
    for (const path of [...OPERATIONS_PAGES, '/console/operations/tenants/new', '/console/operations/tenants/initech/suspend']) {
      await narrow.goto(`${h.platform.url}${path}`);
      await assertNoHorizontalOverflow(narrow);
      await checked(narrow, `narrow${path.replace('/console/operations', '').replaceAll('/', '-') || '-landing'}`);
    }
  });
});

/**
 * The scale-out setup (PostgreSQL, Kafka, an API process, two workers): dead letters listed and
 * redriven from the console, a run redriven by someone else meanwhile named with nothing redriven;
 * the consumer groups' and the views' partitions.
 */
describe('console operations on the scale-out setup (PostgreSQL, Kafka)', () => {
  const TENANT = 'haunted';
  let cluster: Cluster;
  let fixture: FixtureServer;
  let browser: Browser;
  let operatorToken: string;
  const contexts: BrowserContext[] = [];
  const deadLetters = async (): Promise<Array<{ tenantId: string; runId: string }>> =>
    (await rest(cluster.api.url, 'GET', '/v1/admin/dead-letters', operatorToken)).body.deadLetters as Array<{ tenantId: string; runId: string }>;
  const lastEvent = async (runId: string): Promise<string | undefined> => (await cluster.store.readStream(TENANT, runId)).at(-1)?.type;

  beforeAll(async () => {
    [fixture, browser] = await Promise.all([startFixtureServer(), launchChromium()]);
    cluster = await startCluster({ workers: 2, env: { LEDGERLINE_RUN_RETRY_DELAYS_MS: '200,400', LEDGERLINE_OPERATORS: 'ops:olga' } });
    const asHarness = { platform: { dataDir: cluster.env.LEDGERLINE_DATA_DIR }, databaseUrl: cluster.env.DATABASE_URL } as unknown as PlatformHarness;
    await addUser(asHarness, 'ops', 'olga', PASSWORD);
    operatorToken = cluster.issuer.mint({ tenantId: 'ops', userId: 'root', scopes: ['platform:admin'] });
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await cluster?.stop();
    await fixture?.close();
  });

  it('lists the dead letters and redrives the runs chosen after a confirmation; a run redriven meanwhile is named and nothing redriven', async () => {
    const admin = await connect(cluster.api, cluster.issuer.mint({ tenantId: TENANT, userId: 'root', scopes: ['connectors:admin', 'automations:admin'] }));
    await registerShop(admin, fixture);
    const runs = [await startGhostRun(cluster.store, TENANT), await startGhostRun(cluster.store, TENANT)];
    await until(async () => ((await deadLetters()).length === 2 ? true : undefined), 60_000, 'both runs in the dead letters');

    const operator = await signedIn(browser, contexts, cluster.api.url, OPERATOR);
    await operator.goto(`${cluster.api.url}/console/operations/dead-letters`);
    for (const runId of runs) expect(await operator.getByRole('row').filter({ hasText: runId }).innerText()).toContain('ghost v1 is missing');
    await checked(operator, 'dead-letters');
    const narrow = await signedIn(browser, contexts, cluster.api.url, OPERATOR, 'narrow');
    for (const [path, name] of [['/console/operations/dead-letters', 'narrow-dead-letters-kafka'], [`/console/operations/dead-letters/redrive?${runs.map((runId) => `run=${TENANT}/${runId}`).join('&')}`, 'narrow-dead-letters-confirm']] as const) {
      await narrow.goto(`${cluster.api.url}${path}`);
      await assertNoHorizontalOverflow(narrow);
      await checked(narrow, name);
    }
    await submit(operator, 'Redrive the selected runs');
    expect(await operator.locator('.ll-error-summary a[href="#runs"]').innerText()).toBe('Select the runs to redrive, or choose Redrive all.');

    for (const runId of runs) await operator.getByLabel(`Select ${runId} of ${TENANT}`).check();
    await submit(operator, 'Redrive the selected runs');
    expect(await heading(operator)).toBe('Redrive 2 runs?');
    await checked(operator, 'dead-letters-confirm');

    await publishGhost(admin);
    // Someone else redrives the first run while the confirmation is open.
    expect((await rest(cluster.api.url, 'POST', '/v1/admin/dead-letters/redrive', operatorToken, { runs: [{ tenantId: TENANT, runId: runs[0] }] })).status).toBe(200);
    await submit(operator, 'Redrive 2 runs');
    expect(await operator.locator('.ll-error-summary').innerText()).toContain(`Not in the dead letters any more, so nothing was redriven: ${TENANT}/${runs[0]}`);
    expect(await heading(operator)).toBe('Redrive 1 run?');
    await checked(operator, 'dead-letters-gone-meanwhile');
    expect(await lastEvent(runs[1]!)).not.toBe('RunCompleted');

    await submit(operator, 'Redrive 1 run');
    expect(await operator.getByRole('status').innerText()).toContain('Redriven: the run is back at work.');
    for (const runId of runs) await until(async () => ((await lastEvent(runId)) === 'RunCompleted' ? true : undefined), 30_000, `${runId} to complete`);
    await operator.goto(`${cluster.api.url}/console/operations/dead-letters`);
    expect(await operator.locator('main').innerText()).toContain('No run waits in the dead letters.');
    await admin.close();
  });

  it("shows the workers' consumer groups partition by partition, and the views fed by Kafka", async () => {
    const operator = await signedIn(browser, contexts, cluster.api.url, OPERATOR);
    const topic = cluster.env.LEDGERLINE_KAFKA_TOPIC!;
    await operator.goto(`${cluster.api.url}/console/operations/kafka`);
    for (const group of [`${topic}.sagas`, `${topic}.by-tenant.projections`, `${topic}.retries`]) expect(await operator.getByRole('heading', { level: 2, name: new RegExp(`^${group.replaceAll('.', '\\.')} lag \\d+$`) }).count()).toBe(1);
    expect(await operator.getByRole('region', { name: `Partitions read by ${topic}.sagas` }).getByRole('row').count()).toBe(9);
    await checked(operator, 'kafka');
    const narrow = await signedIn(browser, contexts, cluster.api.url, OPERATOR, 'narrow');
    await narrow.goto(`${cluster.api.url}/console/operations/kafka`);
    await assertNoHorizontalOverflow(narrow);
    await checked(narrow, 'narrow-kafka-groups');
    await operator.goto(`${cluster.api.url}/console/operations/views`);
    expect(await operator.getByRole('row').filter({ hasText: 'runs' }).first().innerText()).toContain('lowest of 8 Kafka partitions');
    await checked(operator, 'views-kafka');
    await operator.goto(`${cluster.api.url}/console/operations/instances`);
    expect(await operator.locator('#instances-live').innerText()).toContain('3 of 3 running');
  });
});
