import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { assertNoCspViolations, checkAccessibility, launchChromium, newTestContext } from './support/browser.js';
import { signInToConsole } from './support/console-sign-in.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { addUser } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest } from './support/rest.js';
import { waitForRun } from './support/runs.js';

const PASSWORD = 'policies-pass-0123456789';
const NO_SECRETS = 'forbid(principal, action == Action::"call", resource == Tool::"memory_put")\n  when { context.arguments.key like "secret*" };';
const BIG_NEEDS_MANAGERS = '@requireApproval("managers")\nforbid(principal, action, resource == Tool::"pay_invoice")\n  when { context.arguments.amount > 500 };';
/** Two statements, each naming an attribute the schema does not have: two issues, each at its place. */
const BROKEN = 'forbid(principal, action, resource)\n  when { principal.grups.contains("x") };\nforbid(principal, action, resource)\n  when { resource.scoop == "x" };';
/** Waits a second, as a payment would take: a run that completes without a connector. */
const PAY_INVOICE = {
  name: 'pay_invoice', title: 'Pay an invoice', description: 'Waits, as a payment would.',
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'], additionalProperties: false },
  steps: [{ id: 'hold', type: 'wait', seconds: 1 }],
};

interface Issue { message: string; help: string | null; position?: { line: number; column: number } }

/**
 * The console's Policies pages in Chromium on a real platform, both stores: a policy published
 * log-only through the page, its would-be denials in the report, enforced through the page, a
 * call refused; a broken policy's every issue at its place, nothing appended; a policy approval
 * decided by a member of the group; a reader who may only look, and a person of another tenant.
 */
describe.each(['sqlite', 'postgres'] as const)('console policies (%s)', (kind) => {
  let h: PlatformHarness;
  let browser: Browser;
  let alice: Client;
  let ada: Page;
  const contexts: BrowserContext[] = [];
  const acme = `acme-${kind}`;
  const globex = `globex-${kind}`;
  const events = (tenant = acme): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: tenant }));
  const adminToken = (): string => h.issuer.mint({ tenantId: acme, userId: 'root', scopes: ['policies:admin', 'policies:read', 'automations:admin', 'groups:admin'] });
  const policyNames = async (): Promise<string[]> => ((await rest(h.platform.url, 'GET', '/v1/policies', adminToken())).body.policies as Array<{ name: string }>).map((policy) => policy.name);
  const person = async (username: string, tenant = acme, refuse: readonly string[] = []): Promise<Page> => {
    const context = await newTestContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await signInToConsole(page, h.platform.url, { tenant, username, password: PASSWORD, refuse });
    return page;
  };
  const go = async (page: Page, path: string): Promise<number> => (await page.goto(`${h.platform.url}${path}`))!.status();
  const submit = async (page: Page, button: string): Promise<void> => {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
  };
  const follow = async (page: Page, link: string): Promise<void> => {
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: link, exact: true }).click()]);
  };
  const checked = async (page: Page, name: string): Promise<void> => {
    await checkAccessibility(page, `${kind}-${name}`);
    await assertNoCspViolations(page);
  };
  const rowOf = (page: Page, name: string) => page.locator('tbody tr', { has: page.locator(`a:text-is("${name}")`) });

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    browser = await launchChromium();
    for (const [tenant, user] of [[acme, 'ada'], [acme, 'rita'], [acme, 'bob'], [globex, 'carol']] as const) await addUser(h, tenant, user, PASSWORD);
    expect((await rest(h.platform.url, 'POST', '/v1/automations', adminToken(), { definition: PAY_INVOICE })).status).toBe(200);
    // bob is a manager on the tenant's own list: the built-in sign-in gives no groups claim.
    expect((await rest(h.platform.url, 'PUT', '/v1/groups/managers', adminToken(), { members: ['bob'] })).status).toBe(200);
    alice = await connect(h.platform, h.issuer.mint({ tenantId: acme, userId: 'alice', clientId: 'claude', scopes: ['memory:write', 'automation:pay_invoice', 'runs:read'] }));
    ada = await person('ada');
  });
  afterAll(async () => {
    await alice?.close();
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  it('publishes a log-only policy through the page; the calls it would deny run and are its report; enforced through the page, such a call is refused', async () => {
    await go(ada, '/console/policies');
    expect(await ada.locator('nav a').allInnerTexts()).toContain('Policies');
    expect(await ada.locator('.ll-empty').innerText()).toBe('No policies yet.');
    await checked(ada, 'policies-empty');
    await follow(ada, 'Publish a policy');
    expect(await ada.locator('input[name=mode][value=log-only]').isChecked()).toBe(true);
    await ada.fill('#name', 'no_secrets');
    await ada.fill('#text', NO_SECRETS);
    await checked(ada, 'policy-publish');
    await submit(ada, 'Publish the policy');
    expect(new URL(ada.url()).pathname + new URL(ada.url()).search).toBe('/console/policies/no_secrets?notice=published');
    expect(await ada.locator('pre').innerText()).toBe(NO_SECRETS);
    expect(await ada.locator('.ll-summary').innerText()).toContain('log-only');

    for (const key of ['secret-1', 'secret-2', 'plain']) await callOk(alice, 'memory_put', { namespace: 'notes', key, value: 'v' });
    await go(ada, '/console/policies/no_secrets');
    expect(await ada.locator('.ll-summary').innerText()).toContain('would have denied 2, would have asked 0 approvals, 0 evaluation errors');
    const examples = await ada.locator('tbody tr').allInnerTexts();
    expect(examples).toHaveLength(2);
    for (const row of examples) expect(row).toMatch(/memory_put\s+alice\s+Would have been denied\s+Log-only/);
    await checked(ada, 'policy-log-only');
    await go(ada, '/console/policies');
    expect(await rowOf(ada, 'no_secrets').innerText()).toMatch(/log-only[\s\S]*v1[\s\S]*would have denied 2[\s\S]*memory_put by alice: Would have been denied/);
    await checked(ada, 'policies');

    await go(ada, '/console/policies/no_secrets');
    await follow(ada, 'Enforce no_secrets');
    expect(await ada.locator('h1').innerText()).toBe('Enforce no_secrets?');
    await checked(ada, 'policy-enforce-confirm');
    await submit(ada, 'Enforce no_secrets');
    expect(new URL(ada.url()).search).toBe('?notice=enforce');
    expect(await ada.locator('.ll-summary').innerText()).toContain('enforce');

    const refused = errorOf(await alice.callTool({ name: 'memory_put', arguments: { namespace: 'notes', key: 'secret-3', value: 'v' } }));
    expect(refused).toMatchObject({ code: 'policy.denied', details: { policies: ['no_secrets'] } });
    await go(ada, '/console/policies/no_secrets');
    expect(await ada.locator('.ll-summary').innerText()).toMatch(/Enforce: refused 1, asked 0 approvals, 0 evaluation errors \(refused\)\s+Log-only: would have denied 2/);
    expect(await ada.locator('tbody tr').first().innerText()).toMatch(/memory_put\s+alice\s+Refused\s+Enforce/);
  });

  it("shows every Cedar issue of a broken policy at its line and column, keeps the text, and publishes nothing", async () => {
    const expected = await rest(h.platform.url, 'POST', '/v1/policies', adminToken(), { name: 'broken', text: BROKEN });
    expect((expected.body.error as { code: string }).code).toBe('policy.invalid');
    const issues = (expected.body.error as { details: { issues: Issue[] } }).details.issues;
    expect(issues.length).toBeGreaterThan(0);
    const lines = issues.map((issue) => `${issue.position ? `Line ${issue.position.line}, column ${issue.position.column}` : 'The policy'}: ${issue.message}${issue.help ? ` (${issue.help})` : ''}`);
    expect(lines[0]).toMatch(/^Line 2, column \d+: /);

    const before = await h.store.committedPosition(acme);
    await go(ada, '/console/publish-policy');
    await ada.fill('#name', 'broken');
    await ada.fill('#text', BROKEN);
    await submit(ada, 'Publish the policy');
    expect(await ada.locator('.ll-error-summary li').allInnerTexts()).toEqual(lines);
    expect(await ada.locator('.ll-error-summary li a').first().getAttribute('href')).toBe('#text');
    expect(await ada.locator('#text').inputValue()).toBe(BROKEN);
    expect(await ada.locator('#text').getAttribute('aria-describedby')).toContain('text-error');
    await checked(ada, 'policy-publish-invalid');
    expect(await h.store.committedPosition(acme)).toBe(before);
    expect(await policyNames()).toEqual(['no_secrets']);
  });

  it('parks a run under an enforced approval policy; a member of managers sees who it is offered to and which policy asked, approves it in the console, and the run goes on', async () => {
    await go(ada, '/console/publish-policy');
    await ada.fill('#name', 'big_needs_managers');
    await ada.fill('#text', BIG_NEEDS_MANAGERS);
    await ada.check('input[name=mode][value=enforce]');
    await submit(ada, 'Publish the policy');
    expect(new URL(ada.url()).search).toBe('?notice=published');

    const started = await callOk<{ runId: string; policyApproval?: { approvalId: string } }>(alice, 'pay_invoice', { invoiceId: 'inv-1', amount: 900 });
    expect(started.policyApproval?.approvalId).toBe(`${started.runId}.policy-gate`);
    await waitForRun(alice, started.runId, (run) => run.approval?.status === 'pending');
    // ada decides approvals but is not a manager: it is not offered to her.
    await go(ada, '/console/approvals');
    expect(await ada.locator('main').innerText()).not.toContain('big_needs_managers');

    const bob = await person('bob');
    await go(bob, '/console/approvals');
    const row = bob.locator('#approvals-live tbody tr', { hasText: 'big_needs_managers' });
    expect(await row.innerText()).toMatch(/pay_invoice · Before its first step, asked by the tenant's policies\s+Group managers \(you are in it\)\s+alice/);
    await checked(bob, 'approvals-policy-gate');
    await Promise.all([bob.waitForNavigation(), row.locator('a').click()]);
    expect(new URL(bob.url()).pathname).toBe(`/console/approvals/${started.policyApproval!.approvalId}`);
    expect(await bob.locator('.ll-inset').innerText()).toContain("The tenant's policies ask for this approval before the run's first step");
    expect(await bob.locator('main').innerText()).toContain('big_needs_managers');
    expect(await bob.locator('.ll-summary').innerText()).toMatch(/Offered to\s+Group managers \(you are in it\)/);
    await checked(bob, 'approval-policy-gate');
    await bob.fill('#reason', 'Invoice checked');
    await Promise.all([bob.waitForURL(/notice=approved/), bob.click('button[value=approve]')]);
    const run = await waitForRun(alice, started.runId);
    expect(run).toMatchObject({ status: 'completed', approval: { status: 'granted', decidedBy: 'bob', reason: 'Invoice checked' }, steps: [expect.objectContaining({ id: 'hold', status: 'succeeded' })] });
  });

  it('shows a reader the policies and their report, but no form; forged changes are refused and append nothing', async () => {
    const rita = await person('rita', acme, ['policies:admin']);
    await go(rita, '/console/policies');
    expect(await rowOf(rita, 'no_secrets').count()).toBe(1);
    expect(await rita.getByRole('link', { name: 'Publish a policy' }).count()).toBe(0);
    await go(rita, '/console/policies/no_secrets');
    expect(await rita.locator('pre').innerText()).toBe(NO_SECRETS);
    expect(await rita.locator('main a', { hasText: /Enforce|log-only|Remove|Publish/ }).count()).toBe(0);
    await checked(rita, 'policy-reader');
    for (const path of ['/console/publish-policy', '/console/policies/no_secrets/mode', '/console/policies/no_secrets/remove']) {
      expect([path, await go(rita, path)]).toEqual([path, 403]);
      expect(await rita.locator('main form[method=post]').count()).toBe(0);
    }
    const csrf = await rita.locator('input[name=csrf]').first().inputValue();
    const before = await h.store.committedPosition(acme);
    for (const [path, form] of [
      ['/console/publish-policy', { csrf, name: 'forged', text: NO_SECRETS, mode: 'enforce' }],
      ['/console/policies/no_secrets/mode', { csrf, mode: 'log-only' }],
      ['/console/policies/no_secrets/remove', { csrf }],
    ] as const) {
      const answer = await rita.request.post(`${h.platform.url}${path}`, { form: { ...form }, maxRedirects: 0 });
      expect([path, answer.status()]).toEqual([path, 403]);
      expect(await answer.text()).toContain('Not allowed');
    }
    expect(await h.store.committedPosition(acme)).toBe(before);
  });

  it("shows a person of another tenant none of this tenant's policies: Not found at their addresses, and a forged change changes nothing", async () => {
    const carol = await person('carol', globex);
    await go(carol, '/console/policies');
    expect(await carol.locator('.ll-empty').innerText()).toBe('No policies yet.');
    for (const path of ['/console/policies/no_secrets', '/console/policies/no_secrets/mode', '/console/policies/no_secrets/remove', '/console/publish-policy?from=no_secrets']) {
      const status = await go(carol, path);
      if (path.startsWith('/console/publish-policy')) {
        expect(await carol.locator('#text').inputValue()).toBe('');
      } else {
        expect([path, status]).toEqual([path, 404]);
        expect(await carol.locator('h1').innerText()).toBe('Not found');
      }
      expect(await carol.content()).not.toContain('secret*');
    }
    const csrf = await carol.locator('input[name=csrf]').first().inputValue();
    const before = await h.store.committedPosition(acme);
    for (const [path, form] of [['/console/policies/no_secrets/mode', { csrf, mode: 'log-only' }], ['/console/policies/no_secrets/remove', { csrf }]] as const) {
      const answer = await carol.request.post(`${h.platform.url}${path}`, { form: { ...form }, maxRedirects: 0 });
      expect([path, answer.status()]).toEqual([path, 404]);
    }
    expect(await h.store.committedPosition(acme)).toBe(before);
    expect((await events(globex)).filter((event) => event.type.startsWith('Policy'))).toEqual([]);
  });

  it('removes a policy after its confirmation page: the calls it refused run again', async () => {
    await go(ada, '/console/policies/no_secrets');
    await follow(ada, 'Remove no_secrets');
    await checked(ada, 'policy-remove-confirm');
    await submit(ada, 'Remove policy no_secrets');
    expect(new URL(ada.url()).pathname + new URL(ada.url()).search).toBe('/console/policies?notice=removed');
    expect(await rowOf(ada, 'no_secrets').count()).toBe(0);
    expect(await policyNames()).toEqual(['big_needs_managers']);
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'secret-4', value: 'v' });
    expect((await events()).filter((event) => event.type === 'PolicyRemoved')).toHaveLength(1);
  });
});
