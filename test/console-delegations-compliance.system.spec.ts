import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TrustedKeys, verifyExport } from '#compliance';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { signInToConsole, type ConsolePerson } from './support/console-sign-in.js';
import { callOk, connect } from './support/mcp-session.js';
import { OAuthBrowser } from './support/oauth-browser.js';
import { addUser, authorize, claimsOf, exchangeCode, registerClient, tokenRequest } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest } from './support/rest.js';
import { until } from './support/until.js';

const PASSWORD = 'correct horse battery staple';
const alice: ConsolePerson = { tenant: 'acme', username: 'alice', password: PASSWORD, refuse: ['grants:admin', 'clients:admin'] };
const admin: ConsolePerson = { tenant: 'acme', username: 'ada', password: PASSWORD };
const carol: ConsolePerson = { tenant: 'globex', username: 'carol', password: PASSWORD };

/** Until test/support/browser.ts lands: Debian's Chromium, sandboxed unless root. */
function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.LEDGERLINE_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

interface Agent {
  token: string;
  grantId: string;
  clientId: string;
  mcp: Client;
}

/**
 * The console's Delegations and Compliance sections in a real browser against a real platform,
 * on both stores: what a person sees and ends of their own delegations, what a tenant admin does
 * to the tenant's, export verification, retention and purge forms that refuse bad input without
 * calling anything, and no way to another tenant's grant by editing a URL or a form.
 */
describe.each(['sqlite', 'postgres'] as const)('console: delegations and compliance (%s)', (kind) => {
  let h: PlatformHarness;
  let url: string;
  let browser: Browser;
  const clients: Client[] = [];
  const cspViolations: string[] = [];
  const agentBrowsers = new Map<string, OAuthBrowser>();
  const downloads = mkdtempSync(join(tmpdir(), 'console-exports-'));
  let adminPage: Page;

  const events = async (tenant: string, after = 0): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: tenant, after }));
  const heading = (page: Page): Promise<string> => page.getByRole('heading', { level: 1 }).innerText();

  /** An agent (a self-registered client) a person allowed to act for them, connected over MCP. */
  const delegate = async (tenant: string, username: string, clientName: string): Promise<Agent> => {
    const { client_id: clientId } = await registerClient(url, { client_name: clientName });
    const person = `${tenant}:${username}`;
    const oauthBrowser = agentBrowsers.get(person) ?? new OAuthBrowser();
    agentBrowsers.set(person, oauthBrowser);
    const { code, verifier } = await authorize(url, { clientId, scope: 'memory:read memory:write', tenant, username, password: PASSWORD, browser: oauthBrowser });
    const answer = await exchangeCode(url, clientId, code, verifier);
    if (answer.status !== 200) throw new Error(`token: ${JSON.stringify(answer.body)}`);
    const token = answer.body.access_token!;
    const mcp = await connect(h.platform, token);
    clients.push(mcp);
    return { token, grantId: String(claimsOf(token).grant_id), clientId, mcp };
  };
  /** The agent's next MCP calls fail at the transport: its token is refused (401). */
  const refused = (agent: Agent): Promise<true> =>
    until(async () => {
      try {
        await agent.mcp.callTool({ name: 'memory_get', arguments: { key: 'anything' } });
        return undefined;
      } catch {
        return true as const;
      }
    }, 2000, "the agent's call refused", 50);

  const consoleAs = async (person: ConsolePerson): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(5000);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    await signInToConsole(page, url, person);
    return page;
  };

  beforeAll(async () => {
    [h, browser] = await Promise.all([startPlatformOn(kind), launchChromium()]);
    url = h.platform.url;
    for (const [tenant, username] of [['acme', 'alice'], ['acme', 'ada'], ['acme', 'bob'], ['globex', 'carol']] as const) await addUser(h, tenant, username, PASSWORD);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await browser?.close();
    await h?.stop();
    rmSync(downloads, { recursive: true, force: true });
  });

  it("a person sees an agent's grant, revokes it after a confirmation naming the agent, and the agent's next MCP call is refused", async () => {
    const agent = await delegate('acme', 'alice', 'Expense agent');
    await callOk(agent.mcp, 'memory_put', { key: 'seen', value: 'yes' });
    const page = await consoleAs(alice);
    await page.goto(`${url}/console/delegations`);
    const row = page.getByRole('row').filter({ hasText: 'Expense agent' });
    const text = await row.innerText();
    for (const shown of [agent.clientId, 'memory:read', 'memory:write', 'Each access lasts up to 15 minutes']) expect(text).toContain(shown);
    expect(await page.getByRole('columnheader', { name: 'Last used' }).count()).toBe(1);
    expect(text).not.toContain('Not used yet'); // the agent's MCP calls used it
    expect(await row.locator('time').count()).toBe(3); // allowed, ends, last used
    expect(await page.getByRole('row').filter({ hasText: 'This console, now' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Every grant of the tenant' }).count()).toBe(0); // alice refused grants:admin

    await row.getByRole('link', { name: 'Revoke access of Expense agent' }).click();
    expect(await heading(page)).toBe('Revoke access of Expense agent?');
    const before = await h.store.committedPosition('acme');
    await page.getByRole('button', { name: 'Revoke access of Expense agent' }).click();
    expect(await page.getByRole('status').innerText()).toContain('Access revoked');
    expect(await page.getByRole('row').filter({ hasText: 'Expense agent' }).count()).toBe(0);
    await refused(agent);
    const revoked = (await events('acme', before)).filter((event) => event.type === 'GrantRevoked');
    expect(revoked.map((event) => event.data)).toEqual([expect.objectContaining({ grantId: agent.grantId, reason: 'revoked_by_user' })]);

    // The console's own grant is listed too: revoking it ends the session, and the next page asks to sign in.
    const own = page.getByRole('row').filter({ hasText: 'This console, now' });
    await own.getByRole('link', { name: /^Revoke access of / }).click();
    expect(await page.locator('.ll-warning-text').innerText()).toContain('signs you out');
    await page.getByRole('button', { name: /^Revoke access of / }).click();
    await page.waitForURL(/\/interaction\//);
    await page.goto(`${url}/console/delegations`);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
  });

  it("a tenant admin finds another person's grant and disables its application for the tenant (a reason required), and registers a service principal whose secret is shown once", async () => {
    const bobs = await delegate('acme', 'bob', 'Ledger bot');
    adminPage = await consoleAs(admin);
    const page = adminPage;
    await page.goto(`${url}/console/delegations/tenant`);
    await page.getByLabel('Person (user id)').fill('bob');
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Ledger bot' });
    expect(await row.innerText()).toContain('bob');
    await row.getByRole('link', { name: 'Disable Ledger bot for the tenant' }).click();
    expect(await heading(page)).toBe('Disable Ledger bot for acme?');

    const before = await h.store.committedPosition('acme');
    await page.getByRole('button', { name: 'Disable Ledger bot for acme' }).click();
    expect(await page.locator('.ll-error-summary a[href="#reason"]').innerText()).toBe('Enter why the application is disabled.');
    expect(await page.locator('#reason-error').innerText()).toBe('Enter why the application is disabled.');
    expect(await h.store.committedPosition('acme')).toBe(before);
    await callOk(bobs.mcp, 'memory_put', { key: 'still', value: 'working' });

    await page.getByLabel('Reason').fill('not approved for acme');
    await page.getByRole('button', { name: 'Disable Ledger bot for acme' }).click();
    expect(await page.getByRole('status').innerText()).toContain('Application disabled for this tenant');
    await refused(bobs);
    const disabled = (await events('acme', before)).find((event) => event.type === 'ClientDisabled');
    expect(disabled?.data).toEqual({ clientId: bobs.clientId, reason: 'not approved for acme', blocked: 'this_tenant', grantsRevoked: 1 });

    await page.goto(`${url}/console/delegations/clients/new`);
    await page.getByRole('button', { name: 'Register the application' }).click();
    const summary = await page.locator('.ll-error-summary').innerText();
    expect(summary).toContain('Enter a name for the application.');
    expect(summary).toContain('Choose what kind of application it is.');
    await page.getByLabel('Name', { exact: true }).fill('Nightly reconciler');
    await page.getByLabel('A service principal').check();
    await page.getByLabel('memory:read', { exact: true }).check();
    await page.getByRole('button', { name: 'Register the application' }).click();
    expect(await heading(page)).toBe('Nightly reconciler is registered');
    const clientId = (await page.locator('.ll-panel-good code').innerText()).trim();
    const secret = await page.locator('#client-secret').inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(page.url()).not.toContain(secret);
    const token = await tokenRequest(url, { grant_type: 'client_credentials', scope: 'memory:read', resource: `${url}/mcp` }, { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` });
    expect(token.status).toBe(200);
    await page.goto(`${url}/console/delegations/clients`);
    expect(await page.getByRole('row').filter({ hasText: 'Nightly reconciler' }).innerText()).toContain(clientId);
    expect(await page.content()).not.toContain(secret);
  });

  it('an export is verified in the console (signature valid, by the published key) and downloads as a file that verifies', async () => {
    const page = adminPage;
    const jwks = await (await fetch(`${url}/.well-known/ledgerline-export-keys`)).text();
    const keyId = (JSON.parse(jwks) as { keys: Array<{ kid: string }> }).keys[0]!.kid;
    await page.goto(`${url}/console/compliance`);
    await page.getByRole('button', { name: 'Download and verify' }).click();
    expect(await heading(page)).toBe('The export is valid');
    expect(await page.locator('.ll-summary').innerText()).toContain(`Valid, by key ${keyId}`);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download an export of the same range' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^acme-\d{8}T\d{6}Z\.ndjson\.gz$/);
    const path = join(downloads, `${kind}-${file.suggestedFilename()}`);
    await file.saveAs(path);
    const verified = await verifyExport(createReadStream(path), TrustedKeys.parse(jwks, 'jwks'));
    expect(verified).toMatchObject({ ok: true, manifest: { tenantId: 'acme', keyId } });

    const refusedDate = await page.goto(`${url}/console/compliance/verify?since=2026-02-30`);
    expect(refusedDate?.status()).toBe(400);
    expect(await page.locator('#since-error').innerText()).toBe('Enter the start date as a real date, like 2026-01-31.');
  });

  it('retention forms refuse 0 and text inline, with nothing changed, then take a good value', async () => {
    const page = adminPage;
    const token = h.issuer.mint({ tenantId: 'acme', userId: 'ada', scopes: ['compliance:admin', 'memory:admin'] });
    const days = async (path: string): Promise<unknown> => (await rest(url, 'GET', path, token)).body.days;
    await page.goto(`${url}/console/compliance`);
    const before = await h.store.committedPosition('acme');
    const eventDays = page.getByLabel('Archive closed streams after (days)');
    for (const [bad, message] of [['0', 'Enter a number of days from 1 to 36500.'], ['abc', 'Enter the number of days as a whole number, like 365, not "abc".']] as const) {
      await eventDays.fill(bad);
      await page.getByRole('button', { name: 'Save event retention' }).click();
      expect(await page.locator('.ll-error-summary a[href="#event-days"]').innerText()).toBe(message);
      expect(await page.locator('#event-days-error').innerText()).toBe(message);
      expect(await eventDays.inputValue()).toBe(bad);
      expect(await days('/v1/compliance/retention')).toBeNull();
    }
    const memoryDays = page.getByLabel('Forget memory items after (days)');
    await memoryDays.fill('-5');
    await page.getByRole('button', { name: 'Save memory retention' }).click();
    expect(await page.locator('#memory-days-error').innerText()).toContain('whole number');
    expect(await days('/v1/memory/retention')).toBeNull();
    expect(await h.store.committedPosition('acme')).toBe(before);

    await eventDays.fill('365');
    await page.getByRole('button', { name: 'Save event retention' }).click();
    expect(await page.getByRole('status').innerText()).toContain('Event retention saved');
    await memoryDays.fill('90');
    await page.getByRole('button', { name: 'Save memory retention' }).click();
    expect(await page.getByRole('status').innerText()).toContain('Memory retention saved');
    expect([await days('/v1/compliance/retention'), await days('/v1/memory/retention')]).toEqual([365, 90]);
    expect(await eventDays.inputValue()).toBe('365');
  });

  it('a purge needs the subject typed exactly: a wrong one is an inline error with nothing appended, the right one purges', async () => {
    const page = adminPage;
    await page.goto(`${url}/console/compliance`);
    await page.getByRole('link', { name: 'Start a purge' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('#target-error').innerText()).toContain('Choose whose personal data to purge');
    await page.getByLabel("One person's").check();
    await page.getByLabel("The person's user id").fill('erin');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await heading(page)).toBe('Purge personal data of erin?');

    const before = await h.store.committedPosition('acme');
    await page.getByLabel('To confirm, type the user id erin').fill('eri');
    await page.getByRole('button', { name: 'Purge personal data of erin' }).click();
    expect(await page.locator('.ll-error-summary a[href="#confirm"]').innerText()).toBe('That is not erin: type it exactly as shown. Nothing was purged.');
    expect(await h.store.committedPosition('acme')).toBe(before);
    expect((await events('acme', before)).filter((event) => event.type.startsWith('Purge'))).toEqual([]);

    await page.getByLabel('To confirm, type the user id erin').fill('erin');
    await page.getByRole('button', { name: 'Purge personal data of erin' }).click();
    expect(await heading(page)).toBe('Personal data of erin purged');
    const purged = (await events('acme', before)).filter((event) => event.type.startsWith('Purge'));
    expect(purged.map((event) => [event.type, (event.data as { target: unknown }).target])).toEqual([
      ['PurgeRequested', { kind: 'subject', subject: 'erin' }],
      ['PurgeCompleted', { kind: 'subject', subject: 'erin' }],
    ]);
  });

  it("a person of another tenant reaches none of the tenant's grants by editing the URL or the form: Not found, the grant still works", async () => {
    const alices = await delegate('acme', 'alice', 'Calendar agent');
    const page = await consoleAs(carol);
    const heads = async () => Promise.all(['acme', 'globex'].map((tenant) => h.store.committedPosition(tenant)));
    const before = await heads();
    for (const path of [
      `/console/delegations/grants/${alices.grantId}/revoke`,
      `/console/delegations/tenant/grants/${alices.grantId}/revoke?${new URLSearchParams({ user: 'alice', client: alices.clientId })}`,
    ]) {
      const answer = await page.goto(`${url}${path}`);
      expect([path, answer?.status(), await heading(page)]).toEqual([path, 404, 'Not found']);
      expect(await page.content()).not.toContain('Calendar agent');
    }
    // Carol's own confirmation form, sent to alice's grant instead.
    for (const action of [`/console/delegations/grants/${alices.grantId}/revoke`, `/console/delegations/tenant/grants/${alices.grantId}/revoke`]) {
      await page.goto(`${url}/console/delegations`);
      await page.getByRole('row').filter({ hasText: 'This console, now' }).getByRole('link', { name: /^Revoke access of / }).click();
      await page.locator('main form[method="post"]').evaluate((form, target) => form.setAttribute('action', target), action);
      const [answer] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Revoke access of / }).click()]);
      expect([action, answer?.status(), await heading(page)]).toEqual([action, 404, 'Not found']);
    }
    expect(await heads()).toEqual(before);
    await callOk(alices.mcp, 'memory_put', { key: 'still', value: 'mine' });
    expect(cspViolations).toEqual([]);
  });
});
