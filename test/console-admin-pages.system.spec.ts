import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { signInToConsole, type ConsolePerson } from './support/console-sign-in.js';
import { callOk, connect } from './support/mcp-session.js';
import { addUser } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest } from './support/rest.js';
import { scanForSecret } from './support/secret-scan.js';

const PASSWORD = 'correct horse battery staple';
const SECRETS = ['first-s3cret-Xk3v9QpL2m', 'rotated-s3cret-Zw8yR4tN6b'];
const DEFINITION = {
  name: 'refund_order',
  title: 'Refund an order',
  description: 'Asks before refunding.',
  inputSchema: { type: 'object', properties: {} },
  steps: [{ id: 'ask', type: 'approval', prompt: 'Refund?' }],
};
const INVALID_DEFINITION = {
  name: 'Bad Name',
  title: '',
  description: 'x',
  inputSchema: { type: 'object' },
  steps: [{ id: 'call', type: 'call', connector: 'nope', request: { method: 'GET', path: '/x' } }],
};

/** A person in a browser of their own: every page they saw and every response body, kept for the secret scan. */
interface Person {
  context: BrowserContext;
  page: Page;
  seen: string[];
  reads: Array<Promise<void>>;
  /** What the browser refused under the console's CSP (inline style or script): none is the only good answer. */
  refused: string[];
}

/**
 * The console's admin pages in a real browser on a real platform: publishing automations,
 * registering connectors and their secrets, the audit trail; a person who may only look, and one
 * of another tenant.
 */
describe.each(['sqlite', 'postgres'] as const)('console admin pages (%s)', (kind) => {
  let h: PlatformHarness;
  let url: string;
  let browser: Browser;
  let ada: Person;
  let rita: Person;
  let gus: Person;
  const clients: Client[] = [];
  const adminToken = (): string => h.issuer.mint({ tenantId: 'acme', userId: 'ada', scopes: ['automations:admin', 'connectors:read', 'connectors:admin'] });

  const open = async (person: ConsolePerson): Promise<Person> => {
    const context = await browser.newContext();
    const seen: string[] = [];
    const reads: Array<Promise<void>> = [];
    context.on('response', (response) => {
      reads.push(response.body().then((body) => void seen.push(`${response.url()}\n${body.toString('utf8')}`), () => undefined));
    });
    const page = await context.newPage();
    page.on('load', () => void reads.push(page.content().then((html) => void seen.push(html), () => undefined)));
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(`${page.url()}: ${message.text()}`);
    });
    await signInToConsole(page, url, person);
    return { context, page, seen, reads, refused };
  };
  const go = async (person: Person, path: string): Promise<number> => (await person.page.goto(`${url}${path}`))!.status();
  const submit = async (person: Person, button: string): Promise<void> => {
    await Promise.all([person.page.waitForNavigation(), person.page.getByRole('button', { name: button, exact: true }).click()]);
  };
  const texts = (page: Page, selector: string): Promise<string[]> => page.locator(selector).allInnerTexts();

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    url = h.platform.url;
    await addUser(h, 'acme', 'ada', PASSWORD);
    await addUser(h, 'acme', 'rita', PASSWORD);
    await addUser(h, 'globex', 'gus', PASSWORD);
    browser = await launchChromium();
    ada = await open({ tenant: 'acme', username: 'ada', password: PASSWORD });
    rita = await open({ tenant: 'acme', username: 'rita', password: PASSWORD, refuse: ['connectors:admin', 'automations:admin'] });
    gus = await open({ tenant: 'globex', username: 'gus', password: PASSWORD });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await browser?.close();
    await h?.stop();
  });

  it('publishes an automation: malformed JSON caught at its line, every issue of an invalid definition inline with the text kept, then the valid one listed', async () => {
    const { page } = ada;
    await go(ada, '/console/automations');
    expect(await page.locator('nav a').allInnerTexts()).toEqual(expect.arrayContaining(['Automations', 'Connectors', 'Audit']));
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Publish an automation' }).click()]);
    const malformed = '{\n  "name": "refund_order",\n}';
    await page.fill('#definition', malformed);
    await submit(ada, 'Publish');
    expect(await page.locator('.ll-error-summary').innerText()).toContain('line 3, column 1');
    expect(await page.locator('#definition').inputValue()).toBe(malformed);

    const expected = await rest(url, 'POST', '/v1/automations', adminToken(), { definition: INVALID_DEFINITION });
    const issues = (expected.body.error as { details: { issues: Array<{ path: string; message: string }> } }).details.issues;
    expect(issues.length).toBeGreaterThan(2);
    const invalid = JSON.stringify(INVALID_DEFINITION, null, 2);
    await page.fill('#definition', invalid);
    await submit(ada, 'Publish');
    const lines = issues.map((issue) => `${issue.path || 'The definition'}: ${issue.message}`);
    expect(await texts(page, '.ll-error-summary li')).toEqual(lines);
    expect(await texts(page, '.ll-error-summary li a')).toHaveLength(issues.length);
    expect(await page.locator('.ll-error-summary li a').first().getAttribute('href')).toBe('#definition');
    expect(await texts(page, '#definition-error li')).toEqual(lines);
    expect(await page.locator('#definition').inputValue()).toBe(invalid);
    expect(await page.locator('#definition').getAttribute('aria-describedby')).toContain('definition-error');
    expect((await rest(url, 'GET', '/v1/automations', adminToken())).body).toEqual({ automations: [] });

    await page.fill('#definition', JSON.stringify(DEFINITION, null, 2));
    await submit(ada, 'Publish');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/console/automations/refund_order?version=1&notice=published');
    expect(await page.locator('.ll-notice').innerText()).toContain('Published');
    if ((await page.locator('pre.ll-json').count()) > 0) {
      expect(JSON.parse(await page.locator('pre.ll-json').innerText())).toMatchObject(DEFINITION);
    } else {
      // A platform without GET /v1/automations/{name}: the page says so and shows the list's line.
      expect(await page.locator('.ll-inset').innerText()).toContain('does not give');
      expect(await page.locator('.ll-summary').innerText()).toContain('v1');
    }
    await go(ada, '/console/automations');
    const row = page.locator('tbody tr', { hasText: 'refund_order' });
    expect(await row.locator('td').allInnerTexts()).toEqual(['refund_order', 'Refund an order', 'v1', expect.stringMatching(/\d/)]);
  });

  it('registers a connector with every problem at its field, sets its secret, replaces it; the secret is nowhere it was not sent', async () => {
    const { page } = ada;
    await go(ada, '/console/connectors');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Register a connector' }).click()]);
    await page.fill('#name', 'billing');
    await page.fill('#description', 'Billing API');
    await page.fill('#baseUrl', 'ftp://billing.example.com/api');
    await page.fill('#allowedHosts', 'billing.example.com\nBilling.Example.com');
    await page.fill('#timeoutMs', 'soon');
    await submit(ada, 'Register the connector');
    expect(await texts(page, '.ll-error-summary li')).toEqual(['Timeout (milliseconds): enter a whole number, like 10000.']);
    await page.fill('#timeoutMs', '5000');
    await submit(ada, 'Register the connector');
    const summary = await texts(page, '.ll-error-summary li');
    expect(summary).toEqual(expect.arrayContaining(['Base URL: must be an http or https URL', 'Allowed hosts: line 2: must be lowercase']));
    expect(await page.locator('#baseUrl-error').innerText()).toBe('Base URL: must be an http or https URL');
    expect(await page.locator('#allowedHosts-error').innerText()).toContain('Allowed hosts: line 2: must be lowercase');
    expect(await page.locator('#baseUrl').inputValue()).toBe('ftp://billing.example.com/api');
    expect((await rest(url, 'GET', '/v1/connectors', adminToken())).body).toEqual({ connectors: [] });

    await page.fill('#baseUrl', 'https://billing.example.com/api');
    await page.fill('#allowedHosts', 'billing.example.com');
    await submit(ada, 'Register the connector');
    expect(new URL(page.url()).pathname).toBe('/console/connectors/billing');
    expect(await page.locator('.ll-summary').first().innerText()).toContain('Not set');
    // The configuration as registered is on its page (the API gives it, never a secret).
    expect(await page.locator('.ll-summary').nth(1).innerText()).toContain('billing.example.com');

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Set the secret' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('Set the secret of billing');
    const field = page.locator('#secret');
    expect([await field.getAttribute('type'), await field.getAttribute('autocomplete'), await field.inputValue()]).toEqual(['password', 'new-password', '']);
    await field.fill(SECRETS[0]!);
    await submit(ada, 'Set the secret of billing');
    expect(await page.locator('.ll-notice').innerText()).toContain('Secret set');

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Replace the secret' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('Replace the secret of billing');
    await page.fill('#secret', SECRETS[1]!);
    await submit(ada, 'Replace the secret of billing');
    expect(await texts(page, '.ll-error-summary li')).toEqual(['Tick the box to confirm that you replace the secret of billing.']);
    expect(await page.locator('#secret').inputValue()).toBe('');
    await page.fill('#secret', SECRETS[1]!);
    await page.check('#confirm');
    await submit(ada, 'Replace the secret of billing');
    expect(await page.locator('.ll-notice').innerText()).toContain('Secret replaced');
    const types = (await h.store.readStream('acme', 'connector-billing')).map((event) => event.type);
    expect(types.filter((type) => type === 'ConnectorSecretRotated')).toHaveLength(2);

    await go(ada, '/console/connectors');
    await go(ada, '/console/audit');
    await Promise.all(ada.reads);
    const storage = await page.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]));
    const cookies = JSON.stringify(await ada.context.cookies());
    expect(ada.seen.length).toBeGreaterThan(10);
    for (const secret of SECRETS) {
      for (const [where, text] of [['pages and responses', ada.seen.join('\n')], ['cookies', cookies], ['storage', storage]] as const) expect([where, text.includes(secret)]).toEqual([where, false]);
      expect(await scanForSecret(secret, { store: h.store, dataDir: h.platform.dataDir, databaseUrl: h.databaseUrl, logs: h.platform.output(), extra: ada.seen })).toEqual([]);
    }
  });

  it('shows a connectors:read-only person no change buttons, and the API refuses a forged change (403) with nothing changed', async () => {
    const { page } = rita;
    await go(rita, '/console/connectors');
    expect(await page.locator('tbody tr').allInnerTexts()).toEqual([expect.stringContaining('billing')]);
    expect(await page.getByRole('link', { name: 'Register a connector' }).count()).toBe(0);
    await go(rita, '/console/connectors/billing');
    expect(await page.locator('main a', { hasText: /Replace|Set the secret/ }).count()).toBe(0);
    expect(await page.locator('main form').count()).toBe(0);
    expect(await go(rita, '/console/connectors/billing/secret')).toBe(403);
    expect(await page.locator('#secret').count()).toBe(0);

    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const before = await h.store.committedPosition('acme');
    const forged = [
      ['/console/connectors/billing/secret', { csrf, secret: 'forged-secret-value', confirm: 'yes' }],
      ['/console/register-connector', { csrf, name: 'forged', baseUrl: 'https://forged.example.com', allowedHosts: 'forged.example.com', authPlacement: 'none' }],
      ['/console/connectors/billing/configuration', { csrf, confirm: 'yes', baseUrl: 'https://evil.example.com', allowedHosts: 'evil.example.com', authPlacement: 'none' }],
    ] as const;
    for (const [path, form] of forged) {
      const answer = await page.request.post(`${url}${path}`, { form: { ...form }, maxRedirects: 0 });
      expect([path, answer.status()]).toEqual([path, 403]);
      expect(await answer.text()).toContain('Not allowed');
    }
    expect(await h.store.committedPosition('acme')).toBe(before);
    expect(((await rest(url, 'GET', '/v1/connectors', adminToken())).body.connectors as Array<{ name: string }>).map((connector) => connector.name)).toEqual(['billing']);
  });

  it('narrows the audit trail by person, tool and time in the URL, pages through it, and links an entry to its run', async () => {
    for (let i = 0; i < 12; i += 1) {
      expect((await rest(url, 'PUT', `/v1/connectors/extra-${String(i).padStart(2, '0')}`, adminToken(), { config: { baseUrl: 'https://x.example.com', allowedHosts: ['x.example.com'] } })).status).toBe(200);
    }
    const mcp = await connect(h.platform, h.issuer.mint({ tenantId: 'acme', userId: 'ada', scopes: ['automation:refund_order'] }));
    clients.push(mcp);
    const { runId } = await callOk<{ runId: string }>(mcp, 'refund_order', {});
    const { page } = ada;

    await go(ada, '/console/audit');
    await page.fill('#tool', 'rest:PUT /v1/connectors/:name/secret');
    await submit(ada, 'Filter');
    expect(new URL(page.url()).searchParams.get('tool')).toBe('rest:PUT /v1/connectors/:name/secret');
    const tools = await texts(page, 'tbody tr td:nth-child(5)');
    expect(tools).toEqual(['rest:PUT /v1/connectors/:name/secret', 'rest:PUT /v1/connectors/:name/secret']);
    expect(await texts(page, 'tbody tr td:nth-child(4)')).toEqual([expect.stringContaining('ada'), expect.stringContaining('ada')]);

    // Her sign-in is in the trail; none of her forged changes is.
    await go(ada, '/console/audit?user=rita');
    expect(await texts(page, 'tbody tr td:nth-child(2)')).toEqual(expect.arrayContaining(['SignInSucceeded']));
    await go(ada, `/console/audit?user=rita&type=${encodeURIComponent('Connector*')}`);
    expect(await page.locator('.ll-empty').innerText()).toBe('No entry matches these filters.');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await go(ada, `/console/audit?from=${tomorrow}`);
    expect(await page.locator('.ll-empty').count()).toBe(1);
    await go(ada, `/console/audit?from=${yesterday}&to=${tomorrow}&user=ada`);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(10);
    await go(ada, '/console/audit?from=31-12-2025');
    expect(await page.locator('#from-error').innerText()).toContain('YYYY-MM-DD');

    await go(ada, '/console/audit?limit=10');
    const first = await texts(page, 'tbody tr');
    expect(first).toHaveLength(10);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Next page' }).click()]);
    expect(new URL(page.url()).searchParams.get('cursor')).not.toBeNull();
    const second = await texts(page, 'tbody tr');
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((row) => first.includes(row))).toEqual([]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Back to the first page' }).click()]);
    expect(await texts(page, 'tbody tr')).toEqual(first);

    await go(ada, `/console/audit?automation=refund_order`);
    await Promise.all([page.waitForNavigation(), page.locator(`a[href="/console/runs/${runId}"]`).first().click()]);
    expect(new URL(page.url()).pathname).toBe(`/console/runs/${runId}`);
    // The run's page needs GET /v1/runs/{runId}/events, which a platform may not have yet.
    const timeline = await rest(url, 'GET', `/v1/runs/${runId}/events`, h.issuer.mint({ tenantId: 'acme', userId: 'ada', scopes: ['runs:read'] }));
    if (timeline.status === 200) expect(await page.locator('h1').innerText()).toContain('refund_order');
    else expect(timeline.body).toMatchObject({ error: { code: 'route.not_found' } });
  });

  it("shows a person of another tenant Not found at this tenant's connector and automation addresses", async () => {
    for (const path of ['/console/connectors/billing', '/console/connectors/billing/secret', '/console/connectors/billing/configuration', '/console/automations/refund_order']) {
      expect([path, await go(gus, path)]).toEqual([path, 404]);
      expect(await gus.page.locator('h1').innerText()).toBe('Not found');
    }
    await go(gus, '/console/publish-automation?from=refund_order');
    expect(await gus.page.locator('#definition').inputValue()).toBe('');
    expect(await gus.page.content()).not.toContain('Refund an order');
    await go(gus, '/console/connectors');
    expect(await gus.page.locator('.ll-empty').innerText()).toBe('No connectors yet.');
    await go(gus, '/console/audit');
    expect(await gus.page.locator('tbody').innerText()).not.toMatch(/billing|refund_order|ada/);
  });

  it('broke no rule of the content security policy on any page', () => {
    expect([...ada.refused, ...rita.refused, ...gus.refused]).toEqual([]);
  });
});
