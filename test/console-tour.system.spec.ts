import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { GATED_CALL } from './support/automations.js';
import { assertNoCspViolations, assertNoHorizontalOverflow, checkAccessibility, focused, launchChromium, newTestContext, pressTab, screenshot } from './support/browser.js';
import { signInToConsole } from './support/console-sign-in.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { addUser } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest } from './support/rest.js';
import { waitForRun } from './support/runs.js';

const PASSWORD = 'tour-pass-0123456789';
const TENANT = 'acme';

/**
 * Every console page, as a newcomer on the embedded default finds it after `users add`: an
 * operator who allowed everything walks each page (and the error states of its forms) on a
 * desktop and at 360 px; each must pass axe-core (no serious or critical violation) under its
 * strict CSP, and fit the small screen. Keyboard alone signs nothing in here (the sign-in pages
 * have their own keyboard test) but decides an approval, and times show in the browser's zone.
 */
describe('console tour (sqlite)', () => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let browser: Browser;
  let agent: Client;
  let runId = '';
  let approvalId = '';

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn('sqlite', { LEDGERLINE_OPERATORS: `${TENANT}:root` });
    browser = await launchChromium();
    await addUser(h, TENANT, 'root', PASSWORD);
    const admin = h.issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['connectors:admin', 'automations:admin', 'policies:admin'] });
    const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } };
    expect((await rest(h.platform.url, 'PUT', '/v1/connectors/erp', admin, { config })).status).toBe(200);
    expect((await rest(h.platform.url, 'PUT', '/v1/connectors/erp/secret', admin, { secret: 'tour-secret' })).status).toBe(200);
    expect((await rest(h.platform.url, 'POST', '/v1/automations', admin, { definition: GATED_CALL })).status).toBe(200);
    const policy = { name: 'no_big_refs', mode: 'log-only', text: 'forbid(principal, action, resource == Tool::"gated_call")\n  when { context.arguments.ref like "big*" };' };
    expect((await rest(h.platform.url, 'POST', '/v1/policies', admin, policy)).status).toBe(200);
    agent = await connect(h.platform, h.issuer.mint({ tenantId: TENANT, userId: 'alice', scopes: ['automation:gated_call', 'runs:read'] }));
    runId = (await callOk<{ runId: string }>(agent, 'gated_call', { ref: 'tour' })).runId;
    approvalId = (await waitForRun(agent, runId, (run) => run.approval?.status === 'pending')).approval!.approvalId;
  });
  afterAll(async () => {
    await agent?.close();
    await browser?.close();
    await h?.stop();
    await fixture?.close();
  });

  const pages = (): string[] => [
    '/console/approvals', `/console/approvals/${encodeURIComponent(approvalId)}`,
    '/console/runs', '/console/runs?all=1', `/console/runs/${runId}`, `/console/runs/${runId}/cancel`,
    '/console/automations', '/console/automations/gated_call', '/console/publish-automation',
    '/console/policies', '/console/policies/no_big_refs', '/console/publish-policy', '/console/policies/no_big_refs/mode', '/console/policies/no_big_refs/remove',
    '/console/connectors', '/console/connectors/erp', '/console/register-connector', '/console/connectors/erp/configuration', '/console/connectors/erp/secret',
    '/console/audit', '/console/audit?user=ops',
    '/console/delegations', '/console/delegations/tenant', '/console/delegations/clients', '/console/delegations/clients/new',
    '/console/compliance', '/console/compliance/purge',
    '/console/operations', '/console/operations/tenants', '/console/operations/tenants/new', '/console/operations/views', '/console/operations/kafka', '/console/operations/dead-letters', '/console/operations/instances', `/console/operations/tenants/${TENANT}/suspend`,
    '/console/no-such-page',
  ];
  /** A page's name for its screenshot: the same in every run. */
  const stable = (path: string): string => path.replace(encodeURIComponent(approvalId), 'approval').replace(approvalId, 'approval').replace(runId, 'run');
  const visit = async (page: Page, path: string, name: string): Promise<void> => {
    const answer = await page.goto(`${h.platform.url}${path}`);
    expect([path, answer?.status()]).toEqual([path, path.includes('no-such-page') ? 404 : 200]);
    await checkAccessibility(page, `${name} ${path}`);
    await assertNoCspViolations(page);
    await screenshot(page, `tour-${name}${stable(path).replace(/[/?=&]+/g, '-')}`);
  };

  // Every page twice (two viewports), each with axe-core: 33 s alone, and past the default 60 s beside the parallel suite on a slow VM (2026-12-07 CI).
  it('shows every page to someone who allowed everything, each passing axe-core under its CSP, on a desktop and at 360 px', async () => {
    for (const viewport of ['desktop', 'narrow'] as const) {
      const context = await newTestContext(browser, { viewport, timezoneId: 'America/New_York' });
      const page = await context.newPage();
      await signInToConsole(page, h.platform.url, { tenant: TENANT, username: 'root', password: PASSWORD });
      expect(await page.locator('nav a').allInnerTexts()).toEqual(['Approvals', 'Runs', 'Automations', 'Policies', 'Connectors', 'Audit', 'Delegations', 'Compliance', 'Operations']);
      for (const path of pages()) {
        await visit(page, path, viewport);
        if (viewport === 'narrow') await assertNoHorizontalOverflow(page);
      }
      await context.close();
    }
  }, 150_000);

  it('shows each form refusal inline, passing axe-core too', async () => {
    const context = await newTestContext(browser);
    const page = await context.newPage();
    await signInToConsole(page, h.platform.url, { tenant: TENANT, username: 'root', password: PASSWORD });
    const refusals: Array<[string, string]> = [
      ['/console/publish-automation', 'Publish'],
      ['/console/publish-policy', 'Publish the policy'],
      ['/console/register-connector', 'Register'],
      ['/console/compliance/purge', 'Continue'],
      [`/console/runs/${runId}/cancel`, 'Cancel run'],
      [`/console/approvals/${encodeURIComponent(approvalId)}`, 'Approve'],
    ];
    for (const [path, button] of refusals) {
      await page.goto(`${h.platform.url}${path}`);
      await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]', { hasText: button }).first().click({ timeout: 5000 })]);
      expect([path, await page.locator('.ll-error-summary').count()]).toEqual([path, 1]);
      await checkAccessibility(page, `refused ${path}`);
      await assertNoCspViolations(page);
      await screenshot(page, `tour-refused${stable(path).replace(/[/?=&]+/g, '-')}`);
    }
    await context.close();
  });

  it('works from the keyboard alone: the skip link first, then an approval decided with Tab, typing and Enter', async () => {
    const context = await newTestContext(browser, { timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    await signInToConsole(page, h.platform.url, { tenant: TENANT, username: 'root', password: PASSWORD });
    await page.goto(`${h.platform.url}/console/approvals`);
    // Times in the browser's own zone (Tokyo), not UTC.
    const shown = await page.locator('#approvals-live time').first().innerText();
    expect(shown).not.toContain('UTC');
    expect(shown).toMatch(/GMT\+9|JST/);

    expect(await pressTab(page)).toMatchObject({ tag: 'a', text: 'Skip to content' });
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('main');
    let target = await pressTab(page);
    for (let presses = 0; target.text !== 'Call for tour?' && presses < 20; presses += 1) target = await pressTab(page);
    expect(target).toMatchObject({ tag: 'a', text: 'Call for tour?' });
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    for (let presses = 0; (await focused(page)).id !== 'reason' && presses < 30; presses += 1) await pressTab(page);
    await page.keyboard.type('Checked from the keyboard');
    expect(await pressTab(page)).toMatchObject({ tag: 'button', text: 'Approve' });
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(page.url()).toContain('notice=approved');
    expect((await waitForRun(agent, runId)).status).toBe('completed');
    await context.close();
  });
});
