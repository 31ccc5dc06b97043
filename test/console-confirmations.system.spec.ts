import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { assertNoCspViolations, assertNoHorizontalOverflow, checkAccessibility, launchChromium, newTestContext, screenshot } from './support/browser.js';
import { signInToConsole } from './support/console-sign-in.js';
import { addUser } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

const PASSWORD = 'confirm-pass-0123456789';
const LEGACY = '2025-11-25';
/** The MCP client alice's calls come from: the page names it. */
const CLIENT = 'notes-agent';
type Json = Record<string, unknown>;
interface RpcAnswer { result?: Json; error?: { code: number; message: string; data?: Json } }

/**
 * The console's confirmation page in Chromium, on both stores: a 2025-11-25 MCP client's
 * memory_delete is refused with -32042 and a link; the person who made the call opens it (signing
 * in on the way, and landing back on it), confirms in one click, and the client's identical retry
 * deletes, once. Cancel changes nothing; another person of the tenant, or of another tenant, finds
 * nothing at the link. Each page passes axe-core under the strict CSP, and fits 360 px.
 */
describe.each(['sqlite', 'postgres'] as const)('console confirmations (%s)', (kind) => {
  let h: PlatformHarness;
  let browser: Browser;
  let aliceMcp: string;
  const contexts: BrowserContext[] = [];
  const acme = `acme-${kind}`;
  const globex = `globex-${kind}`;

  /** What calls of memory_delete appended (signing in to the console appends events of its own). */
  const events = async (): Promise<RecordedEvent[]> => (await collect(h.store.readAll({ tenantId: acme }))).filter((event) => event.metadata.tool === 'memory_delete');
  /** A tools/call as a stateless 2025-11-25 client sends it: raw JSON-RPC with alice's bearer token. */
  const call = async (name: string, args: Json, token = aliceMcp): Promise<RpcAnswer> => {
    const response = await fetch(`${h.platform.url}/mcp`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': LEGACY },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
    });
    return (await response.json()) as RpcAnswer;
  };
  /** Puts `key`, asks to delete it and returns the confirmation link of the -32042 refusal. */
  const askToDelete = async (key: string, token = aliceMcp): Promise<string> => {
    expect((await call('memory_put', { key, value: 'to delete' }, token)).result).toMatchObject({ structuredContent: { key } });
    const refused = await call('memory_delete', { key }, token);
    expect(refused.error).toMatchObject({ code: -32042 });
    const [elicitation] = (refused.error!.data as { elicitations: Array<{ mode: string; url: string }> }).elicitations;
    expect(elicitation!.mode).toBe('url');
    return elicitation!.url;
  };
  const browse = async (viewport: 'desktop' | 'narrow' = 'desktop'): Promise<Page> => {
    const context = await newTestContext(browser, { viewport, timezoneId: 'America/New_York' });
    contexts.push(context);
    return context.newPage();
  };
  /** Opens `link` in a fresh browser: the console sends the person to sign in, then back to the link itself. */
  const openSignedIn = async (link: string, username: string, tenant = acme, viewport: 'desktop' | 'narrow' = 'desktop'): Promise<Page> => {
    const page = await browse(viewport);
    const { pathname } = new URL(link);
    await signInToConsole(page, h.platform.url, { tenant, username, password: PASSWORD }, pathname);
    expect(page.url()).toBe(link);
    // The sign-in's last redirect lands here: measure the page once its stylesheet is in (layout checks read it).
    await page.waitForLoadState('load');
    return page;
  };
  const checked = async (page: Page, name: string): Promise<void> => {
    await checkAccessibility(page, name);
    await assertNoCspViolations(page);
    await screenshot(page, `console-confirmation-${kind}-${name}`);
  };
  const submit = async (page: Page, button: 'Confirm' | 'Cancel'): Promise<number> => {
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
    return response!.status();
  };
  const main = (page: Page): Promise<string> => page.locator('main').innerText();

  beforeAll(async () => {
    h = await startPlatformOn(kind, { LEDGERLINE_MCP_CONFIRM_TOOLS: 'memory_delete' });
    browser = await launchChromium();
    for (const [tenant, user] of [[acme, 'alice'], [acme, 'bob'], [globex, 'alice']] as const) await addUser(h, tenant, user, PASSWORD);
    aliceMcp = h.issuer.mint({ tenantId: acme, userId: 'alice', clientId: CLIENT, scopes: ['memory:read', 'memory:write'] });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  it('alice opens the link of a -32042 refusal, signs in on the way back to it, confirms in one click; the identical retry deletes, once', async () => {
    const link = await askToDelete('invoice-7');
    expect(link).toMatch(new RegExp(`^${h.platform.url}/console/confirmations/[A-Za-z0-9_-]+$`));
    const before = (await events()).length;

    const page = await openSignedIn(link, 'alice');
    expect(await page.locator('h1').innerText()).toBe('Confirm this call of memory_delete?');
    const details = await page.locator('.ll-summary').innerText();
    expect(details).toContain('"key":"invoice-7"');
    expect(details).toContain(CLIENT);
    // The expiry in the browser's own zone (New York), not the UTC the server writes.
    const expires = await page.locator('.ll-summary time').innerText();
    expect(expires).not.toContain('UTC');
    expect(expires).toMatch(/GMT-[45]|E[SD]T/);
    expect(await page.locator('nav').allInnerTexts()).not.toEqual(expect.arrayContaining([expect.stringContaining('Confirmations')]));
    await checked(page, 'asked');
    expect(await events()).toHaveLength(before);

    expect(await submit(page, 'Confirm')).toBe(200);
    expect(await page.locator('.ll-notice').innerText()).toMatch(new RegExp(`^Confirmed\\. Go back to ${CLIENT} and let it retry the call; it can do so once, until .*(GMT-[45]|E[SD]T)\\.$`));
    await checked(page, 'confirmed');
    expect((await events()).slice(before).map((event) => event.type)).toEqual(['ToolCallConfirmed']);

    const done = await call('memory_delete', { key: 'invoice-7' });
    expect(done.error).toBeUndefined();
    expect(done.result?.isError).toBeUndefined();
    expect(done.result?.structuredContent).toMatchObject({ key: 'invoice-7' });
    const added = (await events()).slice(before);
    expect(added.map((event) => event.type)).toEqual(['ToolCallConfirmed', 'ConfirmationUsed', 'MemoryItemDeleted']);
    // Confirmed by alice through the console; the deletion made by the client that asked.
    expect(added[0]).toMatchObject({ data: { via: 'confirmation-page' }, metadata: { userId: 'alice', clientId: 'ledgerline-console' } });
    expect(added[2]!.metadata).toMatchObject({ userId: 'alice', clientId: CLIENT });

    // Used: the link confirms nothing any more, and says so.
    const again = await page.goto(link);
    expect(again!.status()).toBe(409);
    expect(await page.locator('h1').innerText()).toBe('This link confirms nothing any more');
    expect(await page.locator('form[action^="/console/confirmations/"]').count()).toBe(0);
    await checked(page, 'used');
  });

  it('Cancel changes nothing: no confirmation, the client is refused again, the link still asks', async () => {
    const link = await askToDelete('draft-3');
    const page = await openSignedIn(link, 'alice');
    const before = (await events()).length;
    expect(await submit(page, 'Cancel')).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('Not confirmed');
    expect(await main(page)).toContain('The client that asked gets nothing from this page');
    await checked(page, 'cancelled');
    expect(await events()).toHaveLength(before);
    expect((await call('memory_delete', { key: 'draft-3' })).error).toMatchObject({ code: -32042 });
    expect((await page.goto(link))!.status()).toBe(200);
    expect(await page.getByRole('button', { name: 'Confirm', exact: true }).count()).toBe(1);
    expect(await events()).toHaveLength(before);
  });

  it("another person of the tenant, or alice of another tenant, finds nothing at alice's link, and cannot confirm it", async () => {
    const link = await askToDelete('ledger-9');
    const before = (await events()).length;
    for (const [username, tenant] of [['bob', acme], ['alice', globex]] as const) {
      const page = await browse();
      await signInToConsole(page, h.platform.url, { tenant, username, password: PASSWORD });
      const answer = await page.goto(link);
      expect([username, tenant, answer!.status()]).toEqual([username, tenant, 404]);
      expect(await page.locator('h1').innerText()).toBe('No such confirmation for you');
      expect(await main(page)).not.toMatch(/ledger-9|memory_delete|notes-agent/);
      await checked(page, `not-found-${tenant}`);
      // Their own form token, from this origin: still not found, nothing confirmed.
      const csrf = await page.locator('input[name=csrf]').first().inputValue();
      const forged = await page.request.post(link, { form: { csrf, decision: 'confirm' }, headers: { origin: h.platform.url } });
      expect(forged.status()).toBe(404);
    }
    expect(await events()).toHaveLength(before);
    expect((await call('memory_delete', { key: 'ledger-9' })).error).toMatchObject({ code: -32042 });
  });

  it('says a garbled link is not valid, without echoing it', async () => {
    const link = await askToDelete('memo-1');
    const page = await openSignedIn(link, 'alice');
    const garbled = `${link.slice(0, -6)}AAAAAA`;
    expect((await page.goto(garbled))!.status()).toBe(400);
    expect(await page.locator('h1').innerText()).toBe('This confirmation link is not valid');
    expect(await page.content()).not.toContain(new URL(garbled).pathname.split('/').pop()!);
    await checked(page, 'invalid');
  });

  it('fits a 360 px screen, with a long key and a client named by a URL', async () => {
    const longClient = h.issuer.mint({ tenantId: acme, userId: 'alice', clientId: 'https://agents.example.com/clients/notes-agent/oauth-client-metadata.json', scopes: ['memory:write'] });
    const link = await askToDelete(`notes/2026/${'quarterly-report-draft-'.repeat(6)}final`, longClient);
    const page = await openSignedIn(link, 'alice', acme, 'narrow');
    await assertNoHorizontalOverflow(page);
    await checked(page, 'narrow-asked');
    expect(await submit(page, 'Confirm')).toBe(200);
    expect(await page.locator('.ll-notice').innerText()).toContain('Go back to https://agents.example.com/clients/notes-agent/oauth-client-metadata.json');
    await assertNoHorizontalOverflow(page);
    await checked(page, 'narrow-confirmed');
  });
});
