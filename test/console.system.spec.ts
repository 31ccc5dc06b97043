import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { GATED_CALL } from './support/automations.js';
import { assertNoCspViolations, assertNoHorizontalOverflow, assertNowhere, checkAccessibility, launchChromium, newTestContext, recordTraffic, screenshot } from './support/browser.js';
import { signInToConsole } from './support/console-sign-in.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { addUser } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest } from './support/rest.js';
import { waitForRun } from './support/runs.js';
import { until } from './support/until.js';

const PASSWORD = 'console-pass-0123456789';
/** A compact JWS: what an access or refresh token of ours looks like. */
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./;

/**
 * The console end to end in Chromium, on both stores: an agent's run parks at an approval, a
 * second person sees it arrive and approves it in the console, and the run's page (open all the
 * while) shows it complete without a reload; cancelling with a confirmation; forms refuse bad input
 * inline and append nothing; tenant B sees nothing of tenant A; sign-out revokes the grant; every
 * page passes axe-core and its strict CSP, and no token ever reaches the browser.
 */
describe.each(['sqlite', 'postgres'] as const)('console (%s)', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let browser: Browser;
  let agent: Client;
  const contexts: BrowserContext[] = [];
  const acme = `acme-${kind}`;
  const globex = `globex-${kind}`;

  const events = (tenant = acme): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: tenant }));
  const person = async (username: string, tenant = acme, viewport: 'desktop' | 'narrow' = 'desktop'): Promise<Page> => {
    const context = await newTestContext(browser, { viewport, timezoneId: 'America/New_York' });
    contexts.push(context);
    const page = await context.newPage();
    await signInToConsole(page, h.platform.url, { tenant, username, password: PASSWORD });
    return page;
  };
  const checked = async (page: Page, name: string): Promise<void> => {
    await checkAccessibility(page, name);
    await assertNoCspViolations(page);
    await screenshot(page, `console-${name}`);
  };
  const startGatedRun = async (ref: string): Promise<string> => {
    const { runId } = await callOk<{ runId: string }>(agent, 'gated_call', { ref });
    await waitForRun(agent, runId, (run) => run.approval?.status === 'pending');
    return runId;
  };

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind);
    browser = await launchChromium();
    for (const [tenant, user] of [[acme, 'alice'], [acme, 'bob'], [globex, 'carol']] as const) await addUser(h, tenant, user, PASSWORD);
    const admin = h.issuer.mint({ tenantId: acme, userId: 'root', scopes: ['connectors:admin', 'automations:admin'] });
    const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } };
    expect((await rest(h.platform.url, 'PUT', '/v1/connectors/erp', admin, { config })).status).toBe(200);
    expect((await rest(h.platform.url, 'PUT', '/v1/connectors/erp/secret', admin, { secret: 'erp-secret-value' })).status).toBe(200);
    expect((await rest(h.platform.url, 'POST', '/v1/automations', admin, { definition: GATED_CALL })).status).toBe(200);
    agent = await connect(h.platform, h.issuer.mint({ tenantId: acme, userId: 'alice', scopes: ['automation:gated_call', 'runs:read'] }));
  });
  afterAll(async () => {
    await agent?.close();
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
    await fixture?.close();
  });

  it('shows a new approval without a reload; the approver decides it and the open run page shows the run complete', async () => {
    const bob = await person('bob');
    const traffic = recordTraffic(bob);
    await bob.goto(`${h.platform.url}/console/approvals`);
    expect(await bob.locator('.ll-empty').textContent()).toContain('Nothing waits for your decision');
    await checked(bob, `${kind}-approvals-empty`);

    const runId = await startGatedRun('r1');
    // Polling (≤ 2 s) brings it in: no reload, no navigation.
    const row = bob.locator('#approvals-live a', { hasText: 'Call for r1?' });
    await row.waitFor({ timeout: 10_000 });
    expect(bob.url()).toBe(`${h.platform.url}/console/approvals`);
    await checked(bob, `${kind}-approvals`);

    // The run's page, open in a second tab while the decision is made in the first.
    const runPage = await bob.context().newPage();
    await runPage.goto(`${h.platform.url}/console/runs/${runId}`);
    expect(await runPage.locator('#run-live .ll-status').first().textContent()).toContain('running');
    expect(await runPage.locator('.ll-timeline').textContent()).toContain('Approval Requested');
    await checked(runPage, `${kind}-run-waiting`);

    await row.click();
    await bob.waitForURL(/\/console\/approvals\/.+/);
    await checked(bob, `${kind}-approval-decide`);
    // No reason: an inline error, the summary focused, nothing appended.
    const before = (await events()).length;
    await bob.click('button[value=approve]');
    expect(await bob.locator('.ll-error-summary').textContent()).toContain('Enter the reason');
    expect(await bob.locator('#reason-error').textContent()).toContain('Enter the reason');
    expect(await bob.evaluate(() => (globalThis as unknown as { document: { activeElement: { className: string } | null } }).document.activeElement?.className)).toContain('ll-error-summary');
    await checked(bob, `${kind}-approval-decide-error`);
    expect((await events()).length).toBe(before);

    await bob.fill('#reason', 'Budget checked');
    await bob.click('button[value=approve]');
    await bob.waitForURL(/notice=approved/);
    expect(await bob.locator('.ll-notice').textContent()).toContain('Approved');

    // The other tab was never reloaded: its live region polls and shows the end.
    await runPage.locator('#run-live .ll-status-completed').waitFor({ timeout: 15_000 });
    const timeline = await runPage.locator('.ll-timeline').textContent();
    expect(timeline).toContain('approved by bob: Budget checked');
    expect(timeline).toContain('Run Completed');
    expect(timeline).toMatch(/call succeeded on attempt 1 via erp \(HTTP 200\)/);
    await checked(runPage, `${kind}-run-completed`);
    expect(await events()).toContainEqual(expect.objectContaining({ type: 'ApprovalGranted', data: expect.objectContaining({ decidedBy: 'bob', reason: 'Budget checked' }) }));

    // Tokens stay on the server: none in any page, answer, cookie or storage the browser saw.
    await traffic.settled();
    for (const exchange of traffic.exchanges) expect([exchange.url, JWT.test(`${exchange.responseBody}${JSON.stringify(exchange.responseHeaders)}${JSON.stringify(exchange.requestHeaders)}`)]).toEqual([exchange.url, false]);
    const cookies = await bob.context().cookies();
    expect(cookies.map((cookie) => cookie.name)).toContain('ll_console');
    for (const cookie of cookies) expect(JWT.test(cookie.value)).toBe(false);
    expect(cookies.find((cookie) => cookie.name === 'll_console')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await assertNowhere(bob, traffic, 'erp-secret-value');
  });

  it('lists runs with filters in the URL, and cancels a run only after a confirmation with a reason', async () => {
    const runId = await startGatedRun('r2');
    const bob = await person('bob');
    await bob.goto(`${h.platform.url}/console/runs?status=running&all=1`);
    expect(await bob.locator('table').textContent()).toContain(runId.slice(-12));
    await checked(bob, `${kind}-runs-running`);
    await bob.goto(`${h.platform.url}/console/runs?status=completed&all=1`);
    expect(await bob.locator('main').textContent()).not.toContain(runId.slice(-12));
    await bob.goto(`${h.platform.url}/console/runs?from=2026-13-45`);
    expect(await bob.locator('#from-error').textContent()).toContain('YYYY-MM-DD');
    await checked(bob, `${kind}-runs-bad-filter`);

    await bob.goto(`${h.platform.url}/console/runs/${runId}`);
    await bob.click('text=Cancel this run');
    await bob.waitForURL(/\/cancel$/);
    await checked(bob, `${kind}-run-cancel-confirm`);
    const before = (await events()).length;
    await bob.click('button.ll-warning');
    expect(await bob.locator('#reason-error').textContent()).toContain('Enter why');
    expect((await events()).length).toBe(before);
    await bob.fill('#reason', 'Ordered twice');
    await bob.click('button.ll-warning');
    await bob.waitForURL(/notice=cancelled/);
    await bob.locator('#run-live .ll-status-cancelled').waitFor({ timeout: 15_000 });
    expect(await bob.locator('.ll-timeline').textContent()).toContain('Cancelled by bob: Ordered twice');
  });

  it('refuses a state change without the form token, and shows another tenant nothing', async () => {
    const runId = await startGatedRun('r3');
    const bob = await person('bob');
    const before = (await events()).length;
    const forged = await bob.request.post(`${h.platform.url}/console/runs/${runId}/cancel`, { form: { reason: 'no token' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await events()).length).toBe(before);

    const carol = await person('carol', globex);
    for (const path of [`/console/runs/${runId}`, `/console/runs/${runId}/cancel`]) {
      const answer = await carol.goto(`${h.platform.url}${path}`);
      expect([path, answer?.status()]).toEqual([path, 404]);
      expect(await carol.locator('main').textContent()).not.toContain('gated_call');
    }
    await carol.goto(`${h.platform.url}/console/runs?all=1`);
    expect(await carol.locator('main').textContent()).toContain('No run matches');
    await carol.goto(`${h.platform.url}/console/approvals`);
    expect(await carol.locator('main').textContent()).toContain('Nothing waits for your decision');
    const approvalId = ((await events()).find((event) => event.type === 'ApprovalRequested' && event.streamId === runId)?.data as { approvalId: string } | undefined)?.approvalId ?? '';
    const csrf = await carol.locator('input[name=csrf]').first().inputValue();
    const attempt = await carol.request.post(`${h.platform.url}/console/approvals/${encodeURIComponent(approvalId)}`, { form: { csrf, decision: 'approve', reason: 'not mine' }, headers: { origin: h.platform.url } });
    expect(attempt.status()).toBe(404);
    expect((await events()).length).toBe(before);
    expect((await events(globex)).filter((event) => event.type.startsWith('Approval'))).toEqual([]);
  });

  it('fits a 360 px screen', async () => {
    const bob = await person('bob', acme, 'narrow');
    for (const path of ['/console/approvals', '/console/runs']) {
      await bob.goto(`${h.platform.url}${path}`);
      await assertNoHorizontalOverflow(bob);
      await checked(bob, `${kind}-narrow${path.replaceAll('/', '-')}`);
    }
  });

  it('signs out by revoking the grant: the session is gone, and so is the access it held', async () => {
    const alice = await person('alice');
    await alice.goto(`${h.platform.url}/console/runs`);
    const cookie = (await alice.context().cookies()).find((c) => c.name === 'll_console')!.value;
    await alice.click('text=Sign out');
    await alice.waitForURL(`${h.platform.url}/console/sign-out`);
    expect(await alice.locator('h1').textContent()).toContain('signed out');
    await checked(alice, `${kind}-signed-out`);
    await until(async () => (await events()).find((event) => event.type === 'GrantRevoked' && (event.data as { userId?: string }).userId === 'alice'), 5000, 'the GrantRevoked event of the sign-out');
    // The old cookie, replayed, opens nothing: it is sent to sign in again.
    const replay = await fetch(`${h.platform.url}/console/runs`, { headers: { cookie: `ll_console=${cookie}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toContain('/console/sign-in');
  });
});
