import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/console-api.js';
import { handle, type FakeAnswer } from '../testing/section-pages.js';
import { confirmationsSection } from './confirmations.section.js';

/** Shaped like the platform's sealed tokens (base64url of JSON), opaque to the console. */
const TOKEN = Buffer.from(JSON.stringify({ t: 'acme', s: { iv: 'aXY', ct: 'Y2lwaGVydGV4dA', tag: 'dGFn' } })).toString('base64url');
const PAGE = `/console/confirmations/${TOKEN}`;
const API = `/v1/mcp/confirmations/${TOKEN}`;
const ASKED = { tool: 'memory_delete', summary: 'Delete a memory item (memory_delete) with {"key":"invoice-7"}', clientId: 'claude-desktop-4f1c', expiresAt: '2026-03-04T05:06:07.000Z', status: 'waiting' };
const CONFIRMED = { ...ASKED, expiresAt: '2026-03-04T05:07:30.000Z', status: 'confirmed' };
const refusal = (status: number, code: string): ApiError => new ApiError(status, code, `refused: ${code}`, {});

/** GETs answer `get`; POSTs answer `post`. */
const api = (get: unknown, post: unknown = CONFIRMED): FakeAnswer => (method) => (method === 'GET' ? get : post);
const text = (html: string): string => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('the confirmation page', () => {
  it('is reached by its link only, by every signed-in person', () => {
    expect(confirmationsSection.href).toBeUndefined();
    expect(confirmationsSection.scopes).toEqual([]);
  });

  it('shows what is asked, who asks and until when, with one form: Confirm or Cancel, and the CSRF token', async () => {
    const { result, html, calls } = await handle(confirmationsSection, 'GET', PAGE, api(ASKED));
    expect(result).toMatchObject({ kind: 'page', title: 'Confirm a call' });
    expect(result).not.toHaveProperty('status');
    expect(calls).toEqual([{ method: 'GET', path: API, query: {}, body: undefined }]);
    expect(text(html)).toContain('Confirm this call of memory_delete?');
    expect(text(html)).toContain('Delete a memory item (memory_delete) with {&quot;key&quot;:&quot;invoice-7&quot;}');
    expect(html).toContain('<code>memory_delete</code>');
    expect(html).toContain('claude-desktop-4f1c');
    // In the person's zone through console.js; the UTC text is what shows without script.
    expect(html).toContain('<time datetime="2026-03-04T05:06:07.000Z" data-local>2026-03-04 05:06:07 UTC</time>');
    expect(html).toContain(`<form method="post" action="${PAGE}" novalidate>`);
    expect(html).toContain('<input type="hidden" name="csrf" value="csrf-token"/>');
    expect(html).toContain('<button type="submit" name="decision" value="confirm" class="ll-warning">Confirm</button>');
    expect(html).toContain('<button type="submit" name="decision" value="cancel" class="ll-secondary">Cancel</button>');
    expect(html.split(TOKEN)).toHaveLength(2); // in the form's action (the page's own URL), nowhere else
  });

  it('confirms through the API in one click and says how the client goes on, until the time the API gives', async () => {
    const { result, html, calls } = await handle(confirmationsSection, 'POST', PAGE, api(ASKED), { form: { csrf: 'csrf-token', decision: 'confirm' } });
    expect(calls).toEqual([{ method: 'POST', path: API, query: {}, body: {} }]);
    expect(result).toMatchObject({ kind: 'page', title: 'Confirmed' });
    expect(result).not.toHaveProperty('status');
    expect(text(html)).toContain('Confirmed. Go back to claude-desktop-4f1c and let it retry the call; it can do so once, until 2026-03-04 05:07:30 UTC.');
    expect(html).toContain('<div class="ll-notice" role="status">');
    expect(html).not.toContain('<form');
    expect(html).not.toContain(TOKEN);
  });

  it('cancels without asking the API anything: nothing is confirmed and the client gets nothing', async () => {
    const { result, html, calls } = await handle(confirmationsSection, 'POST', PAGE, api(ASKED), { form: { csrf: 'csrf-token', decision: 'cancel' } });
    expect(calls).toEqual([]);
    expect(result).toMatchObject({ kind: 'page', title: 'Not confirmed' });
    expect(result).not.toHaveProperty('status');
    expect(text(html)).toContain('Nothing was confirmed and nothing was done. The client that asked gets nothing from this page');
    expect(html).not.toContain(TOKEN);
  });

  it('asks again, changing nothing, when the form names neither button', async () => {
    const { html, calls } = await handle(confirmationsSection, 'POST', PAGE, api(ASKED), { form: { csrf: 'csrf-token', decision: 'yes please' } });
    expect(calls.map((call) => call.method)).toEqual(['GET']);
    expect(html).toContain('class="ll-error-summary"');
    expect(text(html)).toContain('Choose Confirm or Cancel.');
    expect(html).toContain('value="confirm"');
  });

  it.each([
    ['confirmed', undefined, 'Already confirmed', 'This call was confirmed already. Go back to claude-desktop-4f1c and let it retry the call; it can do so once.'],
    ['used_or_stale', 409, 'Confirmation used', 'The call it was for was confirmed and made since, or asked for again with a new link. Nothing was done now.'],
    ['expired', 410, 'Confirmation expired', 'It could be given until 2026-03-04 05:06:07 UTC. Nothing was confirmed and nothing was done.'],
  ] as const)('a link whose call is %s: a page of its own with its status code, no form', async (status, code, title, says) => {
    const { result, html } = await handle(confirmationsSection, 'GET', PAGE, api({ ...ASKED, status }));
    expect(result).toEqual({ kind: 'page', title, body: expect.anything(), ...(code !== undefined && { status: code }) });
    expect(text(html)).toContain(says);
    expect(html).toContain('<code>memory_delete</code>');
    expect(html).not.toContain('<form');
    expect(html).not.toContain(TOKEN);
  });

  it.each(['GET', 'POST'] as const)("%s: another person's or tenant's confirmation is not found, and shows nothing of the call", async (method) => {
    const { result, html, calls } = await handle(confirmationsSection, method, PAGE, api(refusal(404, 'confirmation.not_found'), refusal(404, 'confirmation.not_found')), { form: { decision: 'confirm' } });
    expect(calls).toHaveLength(1);
    expect(result).toMatchObject({ title: 'Confirmation not found', status: 404 });
    expect(text(html)).toContain('There is no confirmation at this address for ada in acme.');
    expect(html).not.toMatch(/memory_delete|claude|<form/);
    expect(html).not.toContain(TOKEN);
  });

  it.each(['GET', 'POST'] as const)('%s: a link the platform did not make is not valid', async (method) => {
    const { result, html } = await handle(confirmationsSection, method, PAGE, api(refusal(400, 'confirmation.invalid'), refusal(400, 'confirmation.invalid')), { form: { decision: 'confirm' } });
    expect(result).toMatchObject({ title: 'Confirmation link not valid', status: 400 });
    expect(text(html)).toContain('This confirmation link is not valid');
    expect(html).not.toContain(TOKEN);
  });

  it('refuses what cannot be a link of the platform without asking the API', async () => {
    for (const target of [`/console/confirmations/${encodeURIComponent('a.b')}`, `/console/confirmations/${'A'.repeat(4097)}`, `/console/confirmations/${encodeURIComponent('<script>')}`]) {
      for (const method of ['GET', 'POST'] as const) {
        const { result, html, calls } = await handle(confirmationsSection, method, target, api(ASKED), { form: { decision: 'confirm' } });
        expect([method, target.length, result]).toMatchObject([method, target.length, { title: 'Confirmation link not valid', status: 400 }]);
        expect(calls).toEqual([]);
        expect(html).not.toContain('script>');
      }
    }
  });

  it.each([
    ['confirmation.stale', 409, 'confirmed', 'Already confirmed', undefined],
    ['confirmation.stale', 409, 'used_or_stale', 'Confirmation used', 409],
    ['confirmation.expired', 400, 'expired', 'Confirmation expired', 410],
  ] as const)('a confirmation refused as %s (HTTP %s) while the link is %s shows it as it is now', async (code, apiStatus, now, title, status) => {
    const { result, calls } = await handle(confirmationsSection, 'POST', PAGE, api({ ...ASKED, status: now }, refusal(apiStatus, code)), { form: { decision: 'confirm' } });
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([`POST ${API}`, `GET ${API}`]);
    expect(result).toEqual({ kind: 'page', title, body: expect.anything(), ...(status !== undefined && { status }) });
  });

  it("leaves the router the API's other failures (its error page, its sign-in when the session ended)", async () => {
    for (const error of [refusal(503, 'store.unavailable'), refusal(401, 'invalid_token')]) {
      await expect(handle(confirmationsSection, 'GET', PAGE, api(error))).rejects.toBe(error);
      await expect(handle(confirmationsSection, 'POST', PAGE, api(ASKED, error), { form: { decision: 'confirm' } })).rejects.toBe(error);
    }
  });
});
