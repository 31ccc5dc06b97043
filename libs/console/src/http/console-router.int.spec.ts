import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { approvalsSection } from '../sections/approvals.section.js';
import { confirmationsSection } from '../sections/confirmations.section.js';
import type { ConsoleSession } from '../session/console-session.js';
import type { ConsoleSessions, PendingSignIn } from '../session/console-sessions.js';
import { consoleRouter } from './console-router.js';

const COOKIE = 'c'.repeat(43);
const TOKEN = Buffer.from(JSON.stringify({ t: 'acme', s: { ct: 'c2VhbGVk' } })).toString('base64url');
const PAGE = `/console/confirmations/${TOKEN}`;
const ASKED = { tool: 'memory_delete', summary: 'Delete a memory item (memory_delete) with {"key":"k"}', clientId: 'agent-1', expiresAt: '2026-03-04T05:06:07.000Z', status: 'waiting' };

/**
 * The real router in front of a fake REST API on the same address (where the console calls its
 * own instance) and a fake session store: what the router itself decides about the confirmation
 * page: who may open it, where sign-in brings the person back to, the CSRF and same-site checks.
 */
describe('the console router and the confirmation page', () => {
  let server: Server;
  let base: string;
  let session: ConsoleSession;
  const apiCalls: Array<{ method: string; path: string; authorization: string | undefined }> = [];
  const signIns: PendingSignIn[] = [];

  beforeAll(async () => {
    const app = express();
    app.all('/v1/mcp/confirmations/:token', (req, res) => {
      apiCalls.push({ method: req.method, path: req.path, authorization: req.headers.authorization });
      res.json(req.method === 'POST' ? { ...ASKED, status: 'confirmed' } : ASKED);
    });
    let router: express.Router | undefined;
    app.use('/console', (req, res, next) => router!(req, res, next));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sessions = {
      find: async (cookie: string | undefined) => (cookie === COOKIE ? session : undefined),
      beginSignIn: async (pending: PendingSignIn) => {
        signIns.push(pending);
        return { browserNonce: 'nonce', state: 'state' };
      },
    };
    router = consoleRouter({
      settings: { issuer: base, secureCookies: false, scopes: ['approvals:decide'], client: { clientId: 'ledgerline-console', clientSecret: 'secret', redirectUri: `${base}/console/callback` } },
      sessions: sessions as unknown as ConsoleSessions,
      sections: [approvalsSection, confirmationsSection],
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    apiCalls.length = 0;
    signIns.length = 0;
    session = { key: 'k', tenantId: 'acme', userId: 'ada', scopes: [], grantId: 'g', csrf: 'the-csrf-token', accessToken: 'access-token-of-ada', accessExpiresAt: Date.now() + 600_000, refreshToken: undefined, expiresAt: Date.now() + 600_000 };
  });

  const get = (path: string, signedIn = true): Promise<Response> => fetch(`${base}${path}`, { redirect: 'manual', headers: signedIn ? { cookie: `ll_console=${COOKIE}` } : {} });
  const post = (form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}${PAGE}`, { method: 'POST', redirect: 'manual', headers: { cookie: `ll_console=${COOKIE}`, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

  it('sends a person who is not signed in to sign in, and back to this exact link afterwards', async () => {
    const answer = await get(PAGE, false);
    expect(answer.status).toBe(303);
    const signIn = answer.headers.get('location')!;
    expect(signIn).toBe(`/console/sign-in?return=${encodeURIComponent(PAGE)}`);
    const toAuthorize = await get(signIn, false);
    expect(toAuthorize.status).toBe(303);
    expect(new URL(toAuthorize.headers.get('location')!).pathname).toBe('/authorize');
    expect(signIns.map((pending) => pending.returnTo)).toEqual([PAGE]);
    expect(apiCalls).toEqual([]);
  });

  it('opens for a signed-in person holding no scope at all, with no navigation entry of its own', async () => {
    const answer = await get(PAGE);
    expect(answer.status).toBe(200);
    const html = await answer.text();
    expect(html).toContain('Confirm this call of memory_delete?');
    expect(html).not.toContain('class="ll-nav"');
    expect(apiCalls).toEqual([{ method: 'GET', path: `/v1/mcp/confirmations/${TOKEN}`, authorization: 'Bearer access-token-of-ada' }]);
    // Nor is it where /console lands: with no scope, no page of the navigation is there to show.
    expect((await get('/console')).status).toBe(403);

    session = { ...session, scopes: ['approvals:decide'] };
    const withScope = await (await get(PAGE)).text();
    expect(withScope).toContain('<a href="/console/approvals">Approvals</a>');
    expect(withScope).not.toMatch(/aria-current|>Confirmations</);
    expect((await get('/console')).headers.get('location')).toBe('/console/approvals');
  });

  it('confirms with the form token from this origin, in one request', async () => {
    const answer = await post({ csrf: 'the-csrf-token', decision: 'confirm' }, { 'sec-fetch-site': 'same-origin', origin: base });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('Confirmed. Go back to');
    expect(apiCalls).toEqual([{ method: 'POST', path: `/v1/mcp/confirmations/${TOKEN}`, authorization: 'Bearer access-token-of-ada' }]);
  });

  it.each([
    ['no form token', { decision: 'confirm' }, {}],
    ['a wrong form token', { csrf: 'not-the-token', decision: 'confirm' }, {}],
    ['a request from another site', { csrf: 'the-csrf-token', decision: 'confirm' }, { 'sec-fetch-site': 'cross-site' }],
    ['a request from a sibling site', { csrf: 'the-csrf-token', decision: 'confirm' }, { 'sec-fetch-site': 'same-site' }],
    ['another origin', { csrf: 'the-csrf-token', decision: 'confirm' }, { origin: 'https://evil.example' }],
    ['a cancel without the form token', { decision: 'cancel' }, {}],
  ])('refuses %s: 403, and the API is never asked', async (_case, form: Record<string, string>, headers: Record<string, string>) => {
    const answer = await post(form, headers);
    expect(answer.status).toBe(403);
    const html = await answer.text();
    expect(html).toContain('This form is out of date');
    expect(html).not.toContain('Confirmed');
    expect(apiCalls).toEqual([]);
  });
});
