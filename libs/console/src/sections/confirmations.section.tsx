import type { VNode } from 'preact';
import type { ConfirmationStatus } from '#mcp/nest';
import { ApiError } from '../api/console-api.js';
import { ErrorSummary, Inset, Time, type Problem } from '../pages/components.js';
import { PostForm } from '../pages/forms.js';
import { formText, page, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';

/** GET and POST /v1/mcp/confirmations/{token}: a sensitive MCP call waiting for the person who made it. */
interface Confirmation {
  tool: string;
  /** The call in words, secret-looking arguments masked (the platform's). */
  summary: string;
  clientId: string;
  expiresAt: string;
  status: ConfirmationStatus;
}

/** What the platform seals into a link: base64url, at most 4096 characters (anything else is no link of ours). */
const TOKEN = /^[A-Za-z0-9_-]{1,4096}$/;

const apiPath = (token: string): string => `/v1/mcp/confirmations/${encodeURIComponent(token)}`;

function Details({ confirmation }: { confirmation: Confirmation }): VNode {
  return (
    <dl class="ll-summary">
      <dt>The call</dt><dd>{confirmation.summary}</dd>
      <dt>Tool</dt><dd><code>{confirmation.tool}</code></dd>
      <dt>Asked by</dt><dd><span class="ll-id">{confirmation.clientId}</span> <span class="ll-muted">(the MCP client that made the call)</span></dd>
      <dt>Expires</dt><dd><Time at={confirmation.expiresAt} /></dd>
    </dl>
  );
}

const Client = ({ confirmation }: { confirmation: Confirmation }): VNode => <span class="ll-id ll-strong">{confirmation.clientId}</span>;

const BACK = <p><a href="/console">Back to the console</a></p>;

/** The question itself: one click confirms (the form's CSRF token and the browser's Sec-Fetch-Site are checked by the router). */
function askPage(context: PageContext, token: string, confirmation: Confirmation, problems: readonly Problem[] = []): PageResult {
  return page('Confirm a call', (
    <>
      <ErrorSummary problems={problems} />
      <h1>Confirm this call of {confirmation.tool}?</h1>
      <p class="ll-lede">An MCP client acting for you asks to make this call. It runs only if you confirm it here.</p>
      <Details confirmation={confirmation} />
      <Inset>Nothing has been done yet. Confirm, and the client may make exactly this call once, until the confirmation expires. Cancel, and nothing changes: the client gets nothing.</Inset>
      <PostForm action={`/console/confirmations/${encodeURIComponent(token)}`} csrf={context.session.csrf}>
        <div class="ll-actions">
          <button type="submit" name="decision" value="confirm" class="ll-warning">Confirm</button>
          <button type="submit" name="decision" value="cancel" class="ll-secondary">Cancel</button>
        </div>
      </PostForm>
    </>
  ));
}

const confirmedPage = (confirmation: Confirmation): PageResult => page('Confirmed', (
  <>
    <h1>Confirmed</h1>
    <div class="ll-notice" role="status">
      Confirmed. Go back to <Client confirmation={confirmation} /> and let it retry the call; it can do so once, until <Time at={confirmation.expiresAt} />.
    </div>
    <Details confirmation={confirmation} />
    {BACK}
  </>
));

const cancelledPage = (): PageResult => page('Not confirmed', (
  <>
    <h1>Not confirmed</h1>
    <p class="ll-lede">Nothing was confirmed and nothing was done. The client that asked gets nothing from this page: its call stays undone, and if it makes the call again, you are asked again.</p>
    {BACK}
  </>
));

/** A link's page when it asks nothing any more (confirmed, used or superseded, expired). */
function statusPage(context: PageContext, token: string, confirmation: Confirmation): PageResult {
  switch (confirmation.status) {
    case 'waiting':
      return askPage(context, token, confirmation);
    case 'confirmed':
      return page('Already confirmed', (
        <>
          <h1>Already confirmed</h1>
          <p class="ll-lede">This call was confirmed already. Go back to <Client confirmation={confirmation} /> and let it retry the call; it can do so once.</p>
          <Details confirmation={confirmation} />
          {BACK}
        </>
      ));
    case 'used_or_stale':
      return page('Confirmation used', (
        <>
          <h1>This link confirms nothing any more</h1>
          <p class="ll-lede">The call it was for was confirmed and made since, or asked for again with a new link. Nothing was done now. If <Client confirmation={confirmation} /> still needs to make the call, let it make the call again: it gives you a new link.</p>
          <Details confirmation={confirmation} />
          {BACK}
        </>
      ), 409);
    case 'expired':
      return page('Confirmation expired', (
        <>
          <h1>This confirmation has expired</h1>
          <p class="ll-lede">It could be given until <Time at={confirmation.expiresAt} />. Nothing was confirmed and nothing was done. If <Client confirmation={confirmation} /> still needs to make the call, let it make the call again: it gives you a new link.</p>
          <Details confirmation={confirmation} />
          {BACK}
        </>
      ), 410);
  }
}

/** Another person's (or tenant's) confirmation is not found, exactly like one that never was. */
const notFoundPage = (context: PageContext): PageResult => page('Confirmation not found', (
  <>
    <h1>No such confirmation for you</h1>
    <p class="ll-lede">There is no confirmation at this address for {context.session.userId} in {context.session.tenantId}. A confirmation link is for the person who made the call only: if you made it under another account, sign out and sign in with that one.</p>
    {BACK}
  </>
), 404);

const invalidPage = (): PageResult => page('Confirmation link not valid', (
  <>
    <h1>This confirmation link is not valid</h1>
    <p class="ll-lede">It is not one this platform made, or it was cut short or changed on the way. Nothing was done. Open the link exactly as the client gave it, or let the client make the call again to get a new one.</p>
    {BACK}
  </>
), 400);

/** The API's refusals of a token, each as its own page; anything else is the router's to show. */
function refusalPage(context: PageContext, error: unknown): PageResult {
  if (error instanceof ApiError && error.code === 'confirmation.not_found') return notFoundPage(context);
  if (error instanceof ApiError && error.code === 'confirmation.invalid') return invalidPage();
  throw error;
}

/** The confirmation as the API describes it now, or the page that says why there is none. */
async function current(context: PageContext, token: string): Promise<Confirmation | PageResult> {
  if (!TOKEN.test(token)) return invalidPage();
  try {
    return await context.api.get<Confirmation>(apiPath(token));
  } catch (error) {
    return refusalPage(context, error);
  }
}

const isPage = (value: Confirmation | PageResult): value is PageResult => 'kind' in value;

/** Confirms; a refusal of a link that no longer waits (expired, confirmed or used meanwhile) shows its state now. */
async function confirm(context: PageContext, token: string): Promise<PageResult> {
  if (!TOKEN.test(token)) return invalidPage();
  try {
    return confirmedPage(await context.api.post<Confirmation>(apiPath(token), {}));
  } catch (error) {
    if (!(error instanceof ApiError && (error.code === 'confirmation.expired' || error.code === 'confirmation.stale'))) return refusalPage(context, error);
  }
  const now = await current(context, token);
  return isPage(now) ? now : statusPage(context, token, now);
}

/**
 * The confirmation page of sensitive MCP calls: a client that cannot ask the person itself sends
 * them here with a link (JSON-RPC -32042, or a URL elicitation). Reached by the link only, by any
 * signed-in person; the API shows each person their own calls only.
 */
export const confirmationsSection: ConsoleSection = {
  id: 'confirmations',
  label: 'Confirmations',
  scopes: [],
  routes: [
    {
      method: 'GET',
      path: '/confirmations/:token',
      async handle(context) {
        const token = context.params.token ?? '';
        const confirmation = await current(context, token);
        return isPage(confirmation) ? confirmation : statusPage(context, token, confirmation);
      },
    },
    {
      method: 'POST',
      path: '/confirmations/:token',
      async handle(context) {
        const token = context.params.token ?? '';
        const decision = formText(context.form, 'decision');
        if (decision === 'confirm') return confirm(context, token);
        // Cancel asks the API nothing: the call stays unconfirmed, as it was.
        if (decision === 'cancel') return cancelledPage();
        const confirmation = await current(context, token);
        if (isPage(confirmation)) return confirmation;
        return confirmation.status === 'waiting' ? askPage(context, token, confirmation, [{ message: 'Choose Confirm or Cancel.' }]) : statusPage(context, token, confirmation);
      },
    },
  ],
};
