import express, { type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import { Logger } from '@nestjs/common';
import type { GrantJournal } from '../grants/grant-journal.js';
import { accountIdOf } from '../provider/account-id.js';
import { FEDERATED_CALLBACK_PATH, type FederatedResult, type FederatedSignIn } from './federated-sign-in.js';
import { PAGE_HEADERS } from './pages/html.js';
import { upstreamRefusalStatus, upstreamRefusedPage } from './pages/upstream-refused.page.js';

export interface UpstreamCallbackDeps {
  provider: Provider;
  federated: FederatedSignIn;
  journal: GrantJournal;
}

/** Refusals of a person the provider verified; the rest (a bad or foreign return, a provider's failure) verified nobody and are not journaled. */
const JOURNALED = new Set(['no_user_id', 'email_unverified', 'no_tenant', 'invalid_tenant', 'unknown_tenant', 'suspended', 'local_account']);

/**
 * The return from upstream, at one fixed path every provider knows. The interaction's own cookies
 * are scoped to `/interaction/<uid>` and do not reach it; the pending sign-in's binding cookie
 * proves the browser. A verified person's login becomes the interaction's result, and the browser
 * resumes the authorization at `/authorize/<uid>`, which again only the starting browser can (its
 * resume cookie): consent comes next, as after a password.
 */
export function upstreamCallbackRouter(deps: UpstreamCallbackDeps): Router {
  const router = express.Router();
  const logger = new Logger('UpstreamSignIn');

  router.get(FEDERATED_CALLBACK_PATH, async (req: Request, res: Response, next: (error?: unknown) => void) => {
    try {
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
      const result = await deps.federated.complete(new URLSearchParams(query), (name) => cookieOf(req, name));
      const interaction = result.interactionUid === undefined ? undefined : await deps.provider.Interaction.find(result.interactionUid);
      const clientId = interaction ? String(interaction.params.client_id) : null;
      if (!result.ok) {
        await journalRefusal(result, clientId).catch((error: unknown) => logger.warn(`sign-in journal: ${(error as Error).message}`));
        return refuse(res, result, interaction ? `/interaction/${encodeURIComponent(interaction.uid)}` : undefined);
      }
      if (!interaction || interaction.prompt.name !== 'login') return refuse(res, { ok: false, reason: 'unknown_state' });
      const { tenantId, userId } = result;
      await deps.journal.record({ tenantId, userId, clientId: clientId ?? undefined, tool: 'oauth:sign-in' }, { type: 'SignInSucceeded', data: { userId, method: 'oidc', clientId } });
      interaction.result = { login: { accountId: accountIdOf(tenantId, userId), amr: ['fed'] } };
      await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
      res.status(303).set(PAGE_HEADERS).location(interaction.returnTo).end();
    } catch (error) {
      next(error);
    }
  });

  async function journalRefusal(result: Extract<FederatedResult, { ok: false }>, clientId: string | null): Promise<void> {
    if (!JOURNALED.has(result.reason) || result.userId === undefined) return;
    const context = { userId: result.userId, clientId: clientId ?? undefined, tool: 'oauth:sign-in' };
    const event = { type: 'SignInFailed' as const, data: { userId: result.userId, method: 'oidc' as const, reason: 'upstream_refused' as const, clientId } };
    // A tenant the registry does not know gets no stream: the refusal is the platform's to keep.
    await (result.tenantId === undefined ? deps.journal.recordPlatform(context, event) : deps.journal.record({ ...context, tenantId: result.tenantId }, event));
  }

  return router;
}

function refuse(res: Response, result: Extract<FederatedResult, { ok: false }>, retryUrl?: string): void {
  const page = upstreamRefusedPage({ reason: result.reason, providerLabel: result.providerLabel, userId: result.userId, tenantId: result.tenantId, retryUrl });
  res.status(upstreamRefusalStatus(result.reason)).set(PAGE_HEADERS).type('html').send(page);
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
