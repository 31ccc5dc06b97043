import { ApiError } from '../../api/console-api.js';
import { Time } from '../../pages/components.js';
import { FormHead, PostForm } from '../../pages/forms.js';
import { page, redirect, type PageContext, type PageResult } from '../../pages/page.js';
import { clientLabel, clientNameOf, GRANT_ID, GRANTS_API, LIST_PATH, PRINTABLE, type Delegation, type DelegationPage, type GrantScope } from './delegation-links.js';

/** How far the confirmation page looks for a grant: far beyond anyone's own, and the tenant's are narrowed by person and client. */
const SEARCH_PAGES = 10;
const SEARCH_PAGE_SIZE = 200;
/** The revocation feed is read every 250 ms; a second or so is the most the API keeps honouring a revoked token. */
const SIGN_OUT_WAIT_MS = 3000;

const notFound = (grantId: string): ApiError => new ApiError(404, 'identity.grant.not_found', `no grant ${grantId}`, {});

function narrowing(context: PageContext, name: string, max: number): string | undefined {
  const value = context.query.get(name) ?? '';
  return PRINTABLE.test(value) && value.length <= max ? value : undefined;
}

/**
 * The API has no single-grant read: the grant is found in the caller's own list (or the tenant's,
 * narrowed by the link's person and client). Another person's or tenant's grant is never in it:
 * Not found, exactly as the API answers a revocation of it.
 */
async function findGrant(context: PageContext, scope: GrantScope): Promise<Delegation> {
  const grantId = context.params.grantId ?? '';
  if (!GRANT_ID.test(grantId)) throw notFound(grantId);
  const filters = scope === 'tenant' ? { user: narrowing(context, 'user', 256), client: narrowing(context, 'client', 2048) } : {};
  let cursor: string | undefined;
  for (let pageNumber = 0; pageNumber < SEARCH_PAGES; pageNumber += 1) {
    const answer = await context.api.get<DelegationPage>(GRANTS_API[scope], { ...filters, limit: SEARCH_PAGE_SIZE, cursor });
    const found = answer.grants.find((grant) => grant.grantId === grantId);
    if (found) return found;
    if (answer.nextCursor === null) break;
    cursor = answer.nextCursor;
  }
  throw notFound(grantId);
}

function actionOf(scope: GrantScope, grantId: string): string {
  return `${scope === 'own' ? `${LIST_PATH.own}/grants` : `${LIST_PATH.tenant}/grants`}/${encodeURIComponent(grantId)}/revoke`;
}

export async function revokeGrantPage(context: PageContext, scope: GrantScope): Promise<PageResult> {
  const grant = await findGrant(context, scope);
  const label = clientLabel(grant);
  const own = grant.userId === context.session.userId;
  const isSession = grant.grantId === context.session.grantId;
  return page(`Revoke access of ${label}`, (
    <>
      <FormHead problems={[]} back={{ href: LIST_PATH[scope], label: 'Back to the grants' }} title={`Revoke access of ${label}${own ? '' : ` for ${grant.userId}`}?`} />
      <dl class="ll-summary">
        <dt>Application</dt><dd>{clientNameOf(grant) ?? 'Unnamed application'}</dd>
        <dt>Client id</dt><dd><code class="ll-id">{grant.clientId}</code></dd>
        <dt>Person</dt><dd>{grant.userId}</dd>
        <dt>Scopes</dt><dd>{grant.scopes.join(', ')}</dd>
        <dt>Allowed</dt><dd><Time at={grant.issuedAt} /></dd>
        <dt>Ends at the latest</dt><dd>{grant.expiresAt === null ? 'No fixed end' : <Time at={grant.expiresAt} />}</dd>
      </dl>
      {isSession && (
        <div class="ll-warning-text">
          <span class="ll-warning-icon" aria-hidden="true">!</span>
          <strong><span class="ll-visually-hidden">Warning: </span>This is the access this console uses right now. Revoking it signs you out: the next page asks you to sign in again.</strong>
        </div>
      )}
      <p>
        Its refresh is refused at once and its access tokens within a second, on every instance. It cannot act for {own ? 'you' : grant.userId} again
        unless {own ? 'you allow' : 'they allow'} it anew. The revocation is recorded in the tenant's trail.
      </p>
      <PostForm action={actionOf(scope, grant.grantId)} csrf={context.session.csrf}>
        <div class="ll-actions">
          <button type="submit" class="ll-warning">Revoke access of {label}</button>
          <a href={LIST_PATH[scope]}>Keep it</a>
        </div>
      </PostForm>
    </>
  ));
}

export async function revokeGrant(context: PageContext, scope: GrantScope): Promise<PageResult> {
  const grantId = context.params.grantId ?? '';
  if (!GRANT_ID.test(grantId)) throw notFound(grantId);
  await context.api.delete(`${GRANTS_API[scope]}/${encodeURIComponent(grantId)}`);
  if (grantId === context.session.grantId) await untilTokenRefused(context);
  return redirect(`${LIST_PATH[scope]}?notice=revoked`);
}

/**
 * The console's own grant went: wait until the API refuses the session's token (the revocation
 * feed reaches every instance within a second), so the page the person lands on asks them to sign
 * in again instead of showing what they may no longer see.
 */
async function untilTokenRefused(context: PageContext): Promise<void> {
  const deadline = Date.now() + SIGN_OUT_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      await context.api.get('/v1/grants', { limit: 1 });
    } catch (error) {
      // 401, or the session's refresh refused: it has ended. 403 (no grants:manage) still means alive.
      if (!(error instanceof ApiError) || error.status === 401) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
