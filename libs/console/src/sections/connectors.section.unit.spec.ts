import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/console-api.js';
import { handle, type FakeAnswer } from '../testing/section-pages.js';
import { blankFields, bodyOf } from './connector-config.js';
import { connectorsSection } from './connectors.section.js';

const health = { status: 'failing', callsOk: 4, callsFailed: 3, consecutiveFailures: 3, lastCallAt: '2025-01-02T03:04:05.000Z', lastStatus: 503, lastErrorClass: 'transient' };
const LIST = { connectors: [{ name: 'billing', description: 'Billing API', hasSecret: true, health }, { name: 'crm', description: '', hasSecret: false, health: { ...health, status: 'unknown', callsOk: 0, callsFailed: 0, consecutiveFailures: 0, lastCallAt: null, lastStatus: null, lastErrorClass: null } }] };
const SECRET = 'sk_live_do_not_show_me';
const READ_ONLY = ['connectors:read'];
const ADMIN = ['connectors:read', 'connectors:admin'];

/** The list for GETs; `put` for PUTs. */
const DETAILS = { name: 'billing', description: 'Billing API', config: { baseUrl: 'https://billing.example.com/api', allowedHosts: ['billing.example.com'], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } }, secretVersion: 2 };
const api = (put: (path: string, body: unknown) => unknown = () => ({ name: 'billing', created: false, changed: true })): FakeAnswer => (method, path, _query, body) =>
  method === 'GET' ? (path === '/v1/connectors' ? LIST : DETAILS) : put(path, body);
const validForm = { baseUrl: 'https://billing.example.com/api', allowedHosts: 'billing.example.com', authPlacement: 'header', authName: 'Authorization', authTemplate: 'Bearer {{secret}}' };

describe('the connectors section', () => {
  it('lists health, last outcome and whether a secret is set; register and change buttons only for connectors:admin', async () => {
    const admin = await handle(connectorsSection, 'GET', '/console/connectors', api(), { scopes: ADMIN });
    expect(admin.html).toContain('HTTP 503, transient');
    expect(admin.html).toContain('ll-status-failing');
    expect(admin.html).toContain('Register a connector');
    const reader = await handle(connectorsSection, 'GET', '/console/connectors', api(), { scopes: READ_ONLY });
    expect(reader.html).not.toContain('Register a connector');
    const page = await handle(connectorsSection, 'GET', '/console/connectors/billing', api(), { scopes: READ_ONLY });
    expect(page.html).toContain('the last 3 in a row');
    // The configuration as registered, the secret's version, never a secret.
    expect(page.html).toContain('<code>billing.example.com</code>');
    expect(page.html).toContain('Bearer {{secret}}');
    expect(page.html).toContain('Set, version 2 (never shown)');
    expect(page.html).not.toMatch(/Replace the|Set the secret/);
    for (const form of ['/console/register-connector', '/console/connectors/billing/secret', '/console/connectors/billing/configuration']) {
      expect((await handle(connectorsSection, 'GET', form, api(), { scopes: READ_ONLY })).result).toMatchObject({ status: 403 });
    }
  });

  it("is Not found for a connector the tenant does not have, on each of its pages", async () => {
    for (const [method, path] of [['GET', '/console/connectors/theirs'], ['GET', '/console/connectors/theirs/secret'], ['POST', '/console/connectors/theirs/secret'], ['GET', '/console/connectors/theirs/configuration'], ['POST', '/console/connectors/theirs/configuration']] as const) {
      const { result, calls } = await handle(connectorsSection, method, path, api(), { scopes: ADMIN, form: { secret: SECRET, confirm: 'yes', ...validForm } });
      expect([path, result]).toMatchObject([path, { title: 'Not found', status: 404 }]);
      expect(calls.map((call) => call.method)).toEqual(['GET']);
    }
  });

  it('registers with the config the fields make, and will not register over an existing name', async () => {
    const { result, calls } = await handle(connectorsSection, 'POST', '/console/register-connector', api(() => ({ name: 'erp', created: true, changed: true })), { scopes: ADMIN, form: { name: 'erp', description: 'ERP', ...validForm, timeoutMs: '5000', ratePerSecond: '2.5', headers: 'X-Tenant: acme' } });
    expect(result).toEqual({ kind: 'redirect', to: '/console/connectors/erp?notice=registered' });
    expect(calls[1]).toMatchObject({ method: 'PUT', path: '/v1/connectors/erp', body: { description: 'ERP', config: { baseUrl: 'https://billing.example.com/api', allowedHosts: ['billing.example.com'], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, timeoutMs: 5000, rateLimit: { perSecond: 2.5 }, headers: { 'X-Tenant': 'acme' } } } });
    const taken = await handle(connectorsSection, 'POST', '/console/register-connector', api(), { scopes: ADMIN, form: { name: 'billing', ...validForm } });
    expect(taken.html).toContain('a connector named billing exists already');
    expect(taken.calls.map((call) => call.method)).toEqual(['GET']);
  });

  it("puts each of the platform's issues at its field, the allowed host by its line, and keeps what was typed", async () => {
    const refusal = new ApiError(400, 'connector.invalid_config', 'invalid', { issues: [{ path: 'baseUrl', message: 'must be an absolute URL' }, { path: 'allowedHosts.1', message: 'must be lowercase' }, { path: 'auth.template', message: 'must contain {{secret}} exactly once' }, { path: 'rateLimit.burst', message: 'Too small' }] });
    const { html } = await handle(connectorsSection, 'POST', '/console/register-connector', api(() => refusal), { scopes: ADMIN, form: { name: 'erp', ...validForm, baseUrl: 'nope', allowedHosts: 'a.example\nB.example' } });
    for (const [id, message] of [['baseUrl', 'Base URL: must be an absolute URL'], ['allowedHosts', 'Allowed hosts: line 2: must be lowercase'], ['authTemplate', 'Value template: must contain {{secret}} exactly once'], ['rateBurst', 'Burst: Too small']]) {
      expect(html).toContain(`<a href="#${id}">${message}</a>`);
      expect(html).toContain(`id="${id}-error">${message}<`);
    }
    expect(html).toContain('value="nope"');
    expect(html).toContain('B.example</textarea>');
  });

  it('replaces a configuration only when the box naming the connector is ticked', async () => {
    const unticked = await handle(connectorsSection, 'POST', '/console/connectors/billing/configuration', api(), { scopes: ADMIN, form: validForm });
    expect(unticked.html).toContain('confirm that you replace the configuration of billing');
    expect(unticked.calls.map((call) => call.method)).toEqual(['GET']);
    const ticked = await handle(connectorsSection, 'POST', '/console/connectors/billing/configuration', api(), { scopes: ADMIN, form: { ...validForm, confirm: 'yes' } });
    expect(ticked.result).toEqual({ kind: 'redirect', to: '/console/connectors/billing?notice=replaced' });
  });

  it('never renders a secret back: its field is empty on the form and on every refusal', async () => {
    const form = await handle(connectorsSection, 'GET', '/console/connectors/billing/secret', api(), { scopes: ADMIN });
    expect(form.html).toContain('<input type="password" id="secret" name="secret" autocomplete="new-password"');
    expect(form.html).toContain('Replace the secret of billing');
    const refusals: Array<[Record<string, string>, string]> = [
      [{ secret: SECRET }, 'confirm that you replace the secret of billing'],
      [{ secret: `${SECRET}\n`, confirm: 'yes' }, 'on one line'],
      [{ secret: '', confirm: 'yes' }, 'Enter the secret.'],
    ];
    for (const [fields, message] of refusals) {
      const { html, calls } = await handle(connectorsSection, 'POST', '/console/connectors/billing/secret', api(), { scopes: ADMIN, form: fields });
      expect(html).toContain(message);
      expect(html).not.toContain(SECRET);
      expect(calls.map((call) => call.method)).toEqual(['GET']);
    }
    const echoed = await handle(connectorsSection, 'POST', '/console/connectors/billing/secret', api(() => new ApiError(400, 'connector.invalid_secret', `bad ${SECRET}`, {})), { scopes: ADMIN, form: { secret: SECRET, confirm: 'yes' } });
    expect(echoed.html).not.toContain(SECRET);
    const set = await handle(connectorsSection, 'POST', '/console/connectors/crm/secret', api(() => ({ name: 'crm', secretVersion: 1 })), { scopes: ADMIN, form: { secret: SECRET } });
    expect(set.result).toEqual({ kind: 'redirect', to: '/console/connectors/crm?notice=secret-set' });
    expect(set.calls[1]).toEqual({ method: 'PUT', path: '/v1/connectors/crm/secret', query: {}, body: { secret: SECRET } });
  });

  it('leaves the API to refuse a forged change from someone without connectors:admin (the router shows its 403)', async () => {
    await expect(handle(connectorsSection, 'POST', '/console/connectors/crm/secret', api(() => new ApiError(403, 'insufficient_scope', 'needs connectors:admin', {})), { scopes: READ_ONLY, form: { secret: SECRET } })).rejects.toMatchObject({ status: 403 });
  });

  it('checks only what cannot be sent: numbers that are not, header lines without a colon', () => {
    const { problems } = bodyOf({ ...blankFields(), timeoutMs: 'ten', ratePerSecond: 'x', headers: 'no colon here' });
    expect(problems.map((problem) => problem.field)).toEqual(['timeoutMs', 'ratePerSecond', 'headers']);
    expect(bodyOf({ ...blankFields(), authPlacement: 'none' }).body.config).toEqual({ baseUrl: '', allowedHosts: [] });
  });
});
