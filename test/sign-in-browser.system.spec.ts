import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertNoCspViolations, assertNoHorizontalOverflow, assertNowhere, checkAccessibility, focused, launchChromium, newTestContext, pressTab,
  recordTraffic, screenshot, type FocusedElement, type RecordedExchange, type TestContextOptions,
} from './support/browser.js';
import { pkcePair } from './support/oauth-browser.js';
import { addUser, claimsOf, exchangeCode, registerClient } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

const PASSWORD = 'correct horse battery staple';
const WRONG_PASSWORD = 'Tr0ub4dor & 3 <wrong>';
const SCOPES = ['memory:read', 'memory:write', 'audit:read'];
/** The one request that may carry a password: the sign-in form it was typed into. */
const signInForm = (exchange: RecordedExchange): boolean => exchange.method === 'POST' && new URL(exchange.url).pathname.endsWith('/sign-in');

/**
 * The sign-in and consent pages in Debian's Chromium, as a person meets them: with the keyboard
 * alone, at desktop and phone widths, under the pages' real CSP, checked by axe-core; screenshots of each
 * page go to the artifacts directory.
 */
describe('sign-in and consent in a real browser', () => {
  let harness: PlatformHarness;
  let callback: { url: string; server: Server };
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await launchChromium(); // first: without Chromium the suite fails before it starts a platform it would leave behind
    [harness, callback] = await Promise.all([startPlatformOn('sqlite'), startCallbackServer()]);
    await addUser(harness, 'acme', 'alice', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    callback?.server.close();
    await harness?.stop();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  async function openTab(options: TestContextOptions = {}): Promise<Page> {
    context = await newTestContext(browser, options);
    return context.newPage();
  }

  /** An authorization request of a client of its own (the consent a person gave one client is remembered, and would skip the page). */
  async function authorizationRequest(): Promise<{ url: string; clientId: string; verifier: string; state: string }> {
    const { client_id: clientId } = await registerClient(harness.platform.url, { client_name: 'Browser test agent', redirect_uris: [callback.url] });
    const { verifier, challenge } = pkcePair();
    const state = `state-${Math.random().toString(36).slice(2)}`;
    const query = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: callback.url, scope: SCOPES.join(' '), state,
      code_challenge: challenge, code_challenge_method: 'S256', resource: `${harness.platform.url}/mcp`,
    });
    return { url: `${harness.platform.url}/authorize?${query}`, clientId, verifier, state };
  }

  /** Tabs forward until `matches` holds for the focused element; fails if the focus wraps round first. */
  async function tabTo(page: Page, what: string, matches: (element: FocusedElement) => boolean): Promise<FocusedElement> {
    for (let presses = 0; presses < 30; presses++) {
      const element = await pressTab(page);
      if (matches(element)) return element;
    }
    throw new Error(`Tab never reached ${what}`);
  }

  const atConsent = (page: Page): Promise<void> => page.waitForURL((url) => /^\/interaction\/[^/]+$/.test(url.pathname) && url.origin === harness.platform.url);

  it('signs a person in with the keyboard alone, through a wrong password, and back to the client with a code for the scopes left ticked', async () => {
    const page = await openTab();
    const traffic = recordTraffic(page);
    const request = await authorizationRequest();
    await page.goto(request.url);
    await expect(page.title()).resolves.toBe('Sign in – Ledgerline');
    await checkAccessibility(page, 'sign-in page');
    await screenshot(page, 'sign-in');

    expect(await pressTab(page)).toMatchObject({ id: 'tenant' });
    await page.keyboard.type('acme');
    expect(await pressTab(page)).toMatchObject({ id: 'username' });
    await page.keyboard.type('alice');
    expect(await pressTab(page)).toMatchObject({ id: 'password', type: 'password' });
    await page.keyboard.type(WRONG_PASSWORD);
    await page.keyboard.press('Enter');

    // The error summary, focused at once (no script needed), links to the field it is about.
    await page.locator('.ll-error-summary').waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'div', text: expect.stringMatching(/^There is a problem\s+Enter a correct organisation, username and password$/) });
    await expect(page.locator('#password-error').textContent()).resolves.toBe('Error: Enter a correct organisation, username and password');
    await expect(page.locator('#tenant').inputValue()).resolves.toBe('acme');
    await expect(page.locator('#password').inputValue()).resolves.toBe('');
    await checkAccessibility(page, 'sign-in page with an error');
    await screenshot(page, 'sign-in-error');
    expect(await pressTab(page)).toMatchObject({ tag: 'a', href: '#password' });
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ id: 'password' });
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    await atConsent(page);
    await expect(page.locator('h1').textContent()).resolves.toBe('Allow Browser test agent to act for you?');
    await checkAccessibility(page, 'consent page');
    await screenshot(page, 'consent');
    const auditRead = await tabTo(page, 'the audit:read checkbox', (element) => element.name === 'scope' && element.value === 'audit:read');
    expect(auditRead).toMatchObject({ type: 'checkbox', checked: true });
    await page.keyboard.press('Space');
    expect(await focused(page)).toMatchObject({ value: 'audit:read', checked: false });
    await screenshot(page, 'consent-keyboard-focus');
    await tabTo(page, 'the Allow button', (element) => element.tag === 'button' && element.text === 'Allow');
    await page.keyboard.press('Enter');

    await page.waitForURL(`${callback.url}?**`);
    const redirect = new URL(page.url());
    expect(redirect.searchParams.get('state')).toBe(request.state);
    expect(redirect.searchParams.get('iss')).toBe(harness.platform.url);
    const token = await exchangeCode(harness.platform.url, request.clientId, redirect.searchParams.get('code')!, request.verifier, callback.url);
    expect(token.status).toBe(200);
    expect(String(claimsOf(token.body.access_token!).scope).split(' ').sort()).toEqual(['memory:read', 'memory:write']);

    await assertNoCspViolations(page);
    await expect(assertNowhere(page, traffic, PASSWORD)).rejects.toThrow(/- the request body of POST .*\/sign-in\n?$/);
    await assertNowhere(page, traffic, PASSWORD, { sentIn: signInForm });
    await assertNowhere(page, traffic, WRONG_PASSWORD, { sentIn: signInForm });
  });

  it('sends the person back to the client with access_denied from Cancel on the sign-in page, and from Deny on a consent page where nothing was left ticked', async () => {
    const page = await openTab();
    await page.goto((await authorizationRequest()).url);
    await tabTo(page, 'the Cancel button', (element) => element.tag === 'button' && element.text === 'Cancel');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${callback.url}?**`);
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');

    await page.goto((await authorizationRequest()).url);
    await page.locator('#tenant').fill('acme');
    await page.locator('#username').fill('alice');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await atConsent(page);
    for (const scope of SCOPES) {
      await tabTo(page, `the ${scope} checkbox`, (element) => element.value === scope);
      await page.keyboard.press('Space');
    }
    await tabTo(page, 'the Allow button', (element) => element.tag === 'button' && element.text === 'Allow');
    await page.keyboard.press('Enter');
    await page.locator('.ll-error-summary').waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'div', text: expect.stringContaining('Choose at least one thing it may do, or deny') });
    await expect(page.locator('#scopes-error').textContent()).resolves.toBe('Error: Choose at least one thing it may do, or deny');
    await checkAccessibility(page, 'consent page with an error');
    await screenshot(page, 'consent-error');
    await tabTo(page, 'the Deny button', (element) => element.tag === 'button' && element.text === 'Deny');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${callback.url}?**`);
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
    await assertNoCspViolations(page);
  });

  it('ends a request it cannot serve on its own error page', async () => {
    const page = await openTab();
    const response = await page.goto(`${harness.platform.url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'no-such-client', redirect_uri: callback.url, scope: 'memory:read' })}`);
    expect(response?.status()).toBe(400);
    await expect(page.title()).resolves.toBe('Sign-in stopped – Ledgerline');
    await expect(page.locator('dd code').textContent()).resolves.toBe('invalid_client');
    await checkAccessibility(page, 'error page');
    await screenshot(page, 'error');
    await assertNoCspViolations(page);
  });

  it('fits every page into a phone 360 px wide, each passing axe there too', async () => {
    const page = await openTab({ viewport: 'narrow' });
    const judge = async (name: string): Promise<void> => {
      await assertNoHorizontalOverflow(page);
      await checkAccessibility(page, `${name} at 360 px`);
      await screenshot(page, `${name}-360px`);
    };
    await page.goto((await authorizationRequest()).url);
    await judge('sign-in');
    await page.locator('#tenant').fill('acme');
    await page.locator('#username').fill('alice');
    await page.locator('#password').fill(WRONG_PASSWORD);
    await page.locator('#password').press('Enter');
    await page.locator('.ll-error-summary').waitFor();
    await judge('sign-in-error');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await atConsent(page);
    await judge('consent');
    await page.goto(`${harness.platform.url}/authorize?client_id=no-such-client`);
    await judge('error');
    await assertNoCspViolations(page);
  });
});

/** The client's redirect URI: a loopback page that only says the sign-in is over. */
async function startCallbackServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.setHeader('content-type', 'text/html; charset=utf-8').end('<!doctype html><html lang="en"><title>Signed in</title><p>You can close this tab.</p></html>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/callback`, server };
}
