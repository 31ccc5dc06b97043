import { isAutomationScope } from '#automation';
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { Logger } from '@nestjs/common';
import { TokenBuckets, UnavailableError } from '#core';
import { isTenantId, type TenantAccess } from '#auth';
import type { LocalAccounts } from '../accounts/local-accounts.js';
import type { GrantJournal } from '../grants/grant-journal.js';
import { scopeBoundOf } from '../clients/client-view.js';
import { CONSOLE_CLIENT_ID } from '../clients/console-client.js';
import { OIDC_SCOPES } from '../provider/authorization-server.js';
import { accountIdOf, parseAccountId } from '../provider/account-id.js';
import type { IdentitySettings } from '../provider/identity.settings.js';
import { consentPage, humanDuration, type ConsentScope } from './pages/consent.page.js';
import { errorPage } from './pages/error.page.js';
import { PAGE_HEADERS, STYLESHEET_PATH, type FieldError } from './pages/html.js';
import { LEDGERLINE_CSS } from './pages/ledgerline.css.js';
import { signInPage } from './pages/sign-in.page.js';
import { FEDERATED_CALLBACK_PATH, type FederatedSignIn, type FederatedStart } from './federated-sign-in.js';
import { upstreamRefusedPage } from './pages/upstream-refused.page.js';

/**
 * Failed sign-ins per client address (in each instance): ten, then one more every 6 s. Only
 * failures count, so an office behind one address is not locked out by its own people signing in.
 */
const ADDRESS_FAILURES = { ratePerSec: 1 / 6, burst: 10 };
const BAD_CREDENTIALS = 'Enter a correct organisation, username and password';

export interface InteractionDeps {
  provider: Provider;
  settings: IdentitySettings;
  accounts: LocalAccounts;
  journal: GrantJournal;
  tenantAccess: TenantAccess | undefined;
  /** HMAC key of the consent and sign-in forms' CSRF tokens. */
  csrfKey: string;
  federated: FederatedSignIn | undefined;
  /** The person's tenant has disabled this client for itself: no consent to it there. */
  isClientBlockedIn(tenantId: string, clientId: string): boolean;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The authorization server's own pages (sign-in, consent), outside the protocol machinery as
 * oidc-provider's examples keep them. Each interaction is bound to the browser by the library's
 * interaction cookie; each form also carries a CSRF token derived from the interaction id.
 */
export function interactionRouter(deps: InteractionDeps): Router {
  const { provider, settings } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 200 });
  const failuresByAddress = new TokenBuckets(ADDRESS_FAILURES);
  const logger = new Logger('Interactions');
  const csrfOf = (uid: string): string => createHmac('sha256', deps.csrfKey).update(`interaction:${uid}`).digest('base64url');
  const csrfValid = (uid: string, presented: unknown): boolean => {
    if (typeof presented !== 'string') return false;
    const expected = Buffer.from(csrfOf(uid));
    const given = Buffer.from(presented);
    return expected.length === given.length && timingSafeEqual(expected, given);
  };

  const send = (res: Response, status: number, html: string): void => {
    res.status(status).set(PAGE_HEADERS).type('html').send(html);
  };

  /** The interaction of this request, if the browser holds its cookie and the id matches; else an error page is sent. */
  const load = async (req: Request, res: Response): Promise<Details | undefined> => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== req.params.uid) throw new Error('interaction id mismatch');
      return details;
    } catch {
      send(res, 400, errorPage('invalid_request', 'This sign-in has expired or was started in another browser. Go back to the application and start again.'));
      return undefined;
    }
  };

  const finish = async (req: Request, res: Response, result: InteractionResults, merge = false): Promise<void> => {
    const redirectTo = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: merge });
    res.status(303).set(PAGE_HEADERS).location(redirectTo).end();
  };

  const clientName = async (details: Details): Promise<string> => {
    const client = await provider.Client.find(String(details.params.client_id));
    return client?.clientName ?? String(details.params.client_id);
  };

  /** Runs `handler` for a live interaction of this browser (an error page otherwise); errors go to the app's error filter. */
  const withInteraction =
    (handler: (req: Request, res: Response, details: Details, body: Record<string, unknown>) => Promise<void>) =>
    async (req: Request, res: Response, next: (error?: unknown) => void): Promise<void> => {
      try {
        const details = await load(req, res);
        if (details) await handler(req, res, details, (req.body ?? {}) as Record<string, unknown>);
      } catch (error) {
        next(error);
      }
    };

  /** True when the form came from the page this interaction showed (its CSRF token, and the prompt it is at); else sends 403. */
  const fromThisPage = (res: Response, details: Details, body: Record<string, unknown>, prompt?: string): boolean => {
    if ((prompt === undefined || details.prompt.name === prompt) && csrfValid(details.uid, body.csrf)) return true;
    send(res, 403, errorPage('access_denied', 'The form was not the one this sign-in showed. Go back to the application and start again.'));
    return false;
  };

  router.get(`${STYLESHEET_PATH.replace('/interaction', '')}`, (_req, res) => {
    res.set({ 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }).type('css').send(LEDGERLINE_CSS);
  });

  router.get('/:uid', withInteraction(async (_req, res, details) => {
    if (details.prompt.name === 'login') {
      send(res, 200, signInPage({ uid: details.uid, csrf: csrfOf(details.uid), clientName: await clientName(details), federated: deps.federated?.buttons(), reauthenticate: details.prompt.reasons.includes('sensitive_scopes_need_fresh_sign_in') }));
      return;
    }
    const page = await consentView(details);
    if (typeof page === 'string') return send(res, 403, page);
    send(res, 200, consentPage(page));
  }));

  router.post('/:uid/sign-in', form, withInteraction(async (req, res, details, body) => {
    if (!fromThisPage(res, details, body, 'login')) return;
    const tenant = typeof body.tenant === 'string' ? body.tenant.trim() : '';
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const page = async (status: number, errors: FieldError[]): Promise<void> =>
      send(res, status, signInPage({ uid: details.uid, csrf: csrfOf(details.uid), clientName: await clientName(details), tenant, username, errors, federated: deps.federated?.buttons() }));
    const missing: FieldError[] = [
      ...(tenant === '' ? [{ field: 'tenant', message: 'Enter your organisation' }] : []),
      ...(username === '' ? [{ field: 'username', message: 'Enter your username' }] : []),
      ...(password === '' ? [{ field: 'password', message: 'Enter your password' }] : []),
    ];
    if (missing.length > 0) return page(400, missing);
    const address = req.socket.remoteAddress ?? 'unknown';
    const clientId = String(details.params.client_id);
    if (failuresByAddress.get(address).available() < 1) {
      res.set('retry-after', '6');
      return page(429, [{ field: 'username', message: 'Too many failed sign-ins from your network. Wait a minute, then try again' }]);
    }
    if (!isTenantId(tenant)) {
      failuresByAddress.tryTake(address);
      return page(401, [{ field: 'tenant', message: BAD_CREDENTIALS }]);
    }
    const outcome = await deps.accounts.signIn(tenant, username, password);
    if (!outcome.ok) {
      failuresByAddress.tryTake(address);
      if (outcome.reason !== 'unknown_account' || (await deps.accounts.list(tenant)).length > 0) {
        await deps.journal.record({ tenantId: tenant, tool: 'oauth:sign-in', clientId }, { type: 'SignInFailed', data: { userId: username, method: 'local', reason: outcome.reason, clientId } })
          .catch((error: unknown) => logger.warn(`sign-in journal: ${(error as Error).message}`));
      }
      if (outcome.reason === 'locked') res.set('retry-after', String(outcome.retryAfterSeconds ?? 60));
      return page(outcome.reason === 'locked' ? 429 : 401, [{ field: 'password', message: outcome.reason === 'locked' ? 'Too many failed attempts for this account. Wait, then try again' : BAD_CREDENTIALS }]);
    }
    try {
      await deps.tenantAccess?.assertMayAct(tenant);
    } catch {
      return page(403, [{ field: 'tenant', message: 'Your organisation is suspended in Ledgerline' }]);
    }
    await deps.journal.record({ tenantId: tenant, userId: username, clientId, tool: 'oauth:sign-in' }, { type: 'SignInSucceeded', data: { userId: username, method: 'local', clientId } });
    await finish(req, res, { login: { accountId: accountIdOf(tenant, username), amr: ['pwd'] } });
  }));

  router.post('/:uid/federated', form, withInteraction(async (_req, res, details, body) => {
    if (!deps.federated || !fromThisPage(res, details, body, 'login')) return;
    const providerId = typeof body.provider === 'string' ? body.provider : '';
    let started: FederatedStart | undefined;
    try {
      const fresh = details.prompt.reasons.includes('sensitive_scopes_need_fresh_sign_in');
      started = await deps.federated.start(details.uid, providerId, fresh ? { maxAgeSeconds: settings.sensitiveMaxAgeSeconds } : {});
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
      logger.warn(error.message);
      const providerLabel = deps.federated.buttons().find((button) => button.id === providerId)?.label;
      return send(res, 503, upstreamRefusedPage({ reason: 'upstream_unavailable', providerLabel, retryUrl: `/interaction/${encodeURIComponent(details.uid)}` }));
    }
    if (!started) return send(res, 400, errorPage('invalid_request', 'There is no such way to sign in. Go back to the application and start again.'));
    const { binding } = started;
    res.cookie(binding.name, binding.value, { httpOnly: true, sameSite: 'lax', secure: settings.secureCookies, path: FEDERATED_CALLBACK_PATH, maxAge: binding.maxAgeSeconds * 1000 });
    res.status(303).set(PAGE_HEADERS).location(started.location).end();
  }));

  router.post('/:uid/consent', form, withInteraction(async (req, res, details, body) => {
    if (!fromThisPage(res, details, body, 'consent')) return;
    const view = await consentView(details);
    if (typeof view === 'string') return send(res, 403, view);
    if (body.decision !== 'allow') {
      await finish(req, res, { error: 'access_denied', error_description: 'the user denied the request' });
      return;
    }
    const offered = new Set(view.scopes.map((scope) => scope.scope));
    const chosen = [...new Set(([] as unknown[]).concat(body.scope ?? []).filter((scope): scope is string => typeof scope === 'string' && offered.has(scope)))];
    if (chosen.length === 0) return send(res, 400, consentPage({ ...view, errors: [{ field: 'scopes', message: 'Choose at least one thing it may do, or deny' }] }));
    const account = parseAccountId(String(details.session?.accountId))!;
    const clientId = String(details.params.client_id);
    const sensitive = chosen.some((scope) => settings.scopePolicy.isSensitive(scope));
    // Sensitive grants are never remembered: each gets a grant of its own.
    const existing = !sensitive && details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId: String(details.session?.accountId), clientId });
    const requestedOidc = String(details.params.scope ?? '').split(' ').filter((scope) => OIDC_SCOPES.has(scope));
    if (requestedOidc.length > 0) grant.addOIDCScope(requestedOidc.join(' '));
    grant.addResourceScope(settings.resourceUrl, chosen.join(' '));
    // What was asked and not granted is recorded as refused, or the library would ask again at once.
    const refused = String(details.params.scope ?? '').split(' ').filter((scope) => scope !== '' && !OIDC_SCOPES.has(scope) && !chosen.includes(scope));
    if (refused.length > 0) grant.rejectResourceScope(settings.resourceUrl, refused.join(' '));
    const grantId = await grant.save();
    const lifetime = settings.scopePolicy.lifetimeOfAll(chosen);
    await deps.journal.record(
      { tenantId: account.tenantId, userId: account.userId, clientId, grantId, tool: 'oauth:consent' },
      { type: 'GrantIssued', data: { grantId, userId: account.userId, clientId, scopes: chosen, accessTokenSeconds: lifetime.accessTokenSeconds, grantSeconds: lifetime.grantSeconds, resource: settings.resourceUrl } },
    );
    await finish(req, res, { consent: { grantId } }, true);
  }));

  router.post('/:uid/abort', form, withInteraction(async (req, res, details, body) => {
    if (!fromThisPage(res, details, body)) return;
    await finish(req, res, { error: 'access_denied', error_description: 'the user cancelled the sign-in' });
  }));

  /** The consent page for an interaction, or an error page's HTML when this person may not grant to this client. */
  async function consentView(details: Details): Promise<Parameters<typeof consentPage>[0] | string> {
    const account = parseAccountId(String(details.session?.accountId ?? ''));
    const client = await provider.Client.find(String(details.params.client_id));
    if (!account || !client) return errorPage('access_denied', 'This sign-in cannot continue.');
    if (deps.isClientBlockedIn(account.tenantId, client.clientId)) return errorPage('access_denied', `${account.tenantId} has disabled this application; nobody there can allow it.`);
    const clientTenant = client.metadata().tenant_id;
    if (clientTenant !== undefined && clientTenant !== account.tenantId) {
      return errorPage('access_denied', `This application belongs to another organisation; ${account.userId} of ${account.tenantId} cannot allow it.`);
    }
    const operator = settings.operators.has(accountIdOf(account.tenantId, account.userId));
    const supported = new Set(settings.scopesSupported);
    const requested = String(details.params.scope ?? '').split(' ').filter((scope) => scope !== '' && !OIDC_SCOPES.has(scope));
    const bound = scopeBoundOf(client.metadata());
    const offered = [...new Set(requested)].filter((scope) => (supported.has(scope) || isAutomationScope(scope)) && (scope !== 'platform:admin' || operator) && (!bound || bound.has(scope)));
    const scopes: ConsentScope[] = offered.map((scope) => ({
      scope,
      description: settings.scopePolicy.describe(scope),
      sensitive: settings.scopePolicy.isSensitive(scope),
      lifetime: humanDuration(settings.scopePolicy.lifetimeOf(scope).accessTokenSeconds),
    }));
    if (scopes.length === 0) return errorPage('invalid_scope', 'The application asked for nothing you can allow.');
    const redirectUri = typeof details.params.redirect_uri === 'string' ? details.params.redirect_uri : undefined;
    const isDocument = /^https:/i.test(client.clientId);
    const firstParty = client.clientId === CONSOLE_CLIENT_ID;
    return {
      uid: details.uid,
      csrf: csrfOf(details.uid),
      client: {
        name: client.clientName ?? client.clientId,
        id: client.clientId,
        origin: redirectUri ? safeOrigin(redirectUri) : undefined,
        verified: clientTenant !== undefined || firstParty,
        registration: firstParty ? 'part of this platform' : clientTenant !== undefined ? `registered by ${clientTenant}` : isDocument ? 'metadata document, unverified' : 'self-registered, unverified',
      },
      user: account,
      scopes,
      grantLifetime: humanDuration(settings.scopePolicy.lifetimeOfAll(offered).grantSeconds),
    };
  }

  // Errors of our own middleware (an oversized or malformed form) end on a page of ours, never
  // express's default one with its stack trace.
  router.use((error: unknown, _req: Request, res: Response, _next: (error?: unknown) => void) => {
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) logger.error(`interaction failed: ${(error as Error).message}`);
    send(res, status >= 400 && status < 500 ? status : 500, errorPage(status === 413 ? 'invalid_request' : status < 500 ? 'invalid_request' : 'server_error', status < 500 ? 'The form could not be read.' : 'Something went wrong on our side. Go back to the application and start again.'));
  });

  return router;
}

function safeOrigin(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `${url.protocol}//`;
  } catch {
    return undefined;
  }
}
