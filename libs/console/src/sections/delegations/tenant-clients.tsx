import type { VNode } from 'preact';
import { ApiError } from '../../api/console-api.js';
import { Empty, NextPage, TableRegion, Time, type Problem } from '../../pages/components.js';
import { Choices, FormHead, formValues, PostForm, TextArea, TextField } from '../../pages/forms.js';
import { formText, page, type PageContext, type PageResult } from '../../pages/page.js';
import { hasScope } from '../../session/console-session.js';
import { DELEGATIONS, DelegationsNav, disableHref, type NewClient, type TenantClient } from './delegation-links.js';

const CLIENTS = `${DELEGATIONS}/clients`;
const NEW_CLIENT = `${CLIENTS}/new`;
const PAGE_SIZE = 25;
const NAME_MAX = 200;
const REDIRECT_URIS_MAX = 10;
/** The API's refusals, each to the field it is about. */
const FIELD_OF_CODE: Record<string, string> = {
  'identity.client.invalid_name': 'name',
  'identity.client.invalid_kind': 'kind',
  'identity.client.unknown_scope': 'scopes',
  'identity.client.scope_not_allowed': 'scopes',
  'identity.client.scope_not_held': 'scopes',
  'identity.client.scopes_required': 'scopes',
  'identity.client.redirect_uri_required': 'redirectUris',
  'identity.client.redirect_uri_not_allowed': 'redirectUris',
  'identity.client.invalid_redirect_uri': 'redirectUris',
};

interface Registration {
  name: string;
  kind: string;
  scopes: string[];
  redirectUris: string;
}

/**
 * The API answers the tenant's whole list (a tenant has tens of applications, not thousands); the
 * page still shows it a page at a time, the offset in the URL.
 */
export async function tenantClientsPage(context: PageContext): Promise<PageResult> {
  const { clients } = await context.api.get<{ clients: TenantClient[] }>('/v1/admin/clients');
  const offset = Math.max(0, Math.min(Number.parseInt(context.query.get('from') ?? '0', 10) || 0, clients.length));
  const shown = clients.slice(offset, offset + PAGE_SIZE);
  const canDisable = hasScope(context.session, 'grants:admin');
  return page("The tenant's applications", (
    <>
      <h1>Delegations</h1>
      <DelegationsNav context={context} current="clients" />
      <p class="ll-lede">Applications registered for {context.session.tenantId} alone: service principals that act for the tenant, and applications its people sign in to.</p>
      <p><a class="ll-button" href={NEW_CLIENT}>Register an application</a></p>
      {shown.length === 0 ? <Empty>The tenant has registered no application of its own.</Empty> : (
        <TableRegion label="The tenant's applications">
          <table>
            <caption class="ll-visually-hidden">The tenant's applications, newest first</caption>
            <thead>
              <tr><th scope="col">Application</th><th scope="col">Kind</th><th scope="col">Scopes at most</th><th scope="col">Redirect URIs</th><th scope="col">Registered</th><th scope="col">Status</th></tr>
            </thead>
            <tbody>
              {shown.map((client) => (
                <tr>
                  <td><span class="ll-strong">{client.name ?? 'Unnamed application'}</span><br /><code class="ll-small ll-id">{client.clientId}</code></td>
                  <td>{client.kind === 'service' ? 'Service principal' : 'Interactive'}</td>
                  <td>{client.scopes.length === 0 ? <span class="ll-muted">What people allow</span> : <ul class="ll-scopes">{client.scopes.map((scope) => <li><code>{scope}</code></li>)}</ul>}</td>
                  <td>{client.redirectUris.length === 0 ? <span class="ll-muted">–</span> : <ul class="ll-scopes">{client.redirectUris.map((uri) => <li><code class="ll-id">{uri}</code></li>)}</ul>}</td>
                  <td><Time at={client.registeredAt} /></td>
                  <td>
                    {client.disabled ? <span class="ll-status ll-status-failed">disabled</span> : <span class="ll-status ll-status-completed">active</span>}
                    {!client.disabled && canDisable && <> <a href={disableHref(client.clientId)}>Disable<span class="ll-visually-hidden"> {client.name ?? client.clientId}</span></a></>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <NextPage url={context.url} cursor={offset + PAGE_SIZE < clients.length ? offset + PAGE_SIZE : null} name="from" />
    </>
  ));
}

/** What the admin may hand on: the scopes their own sign-in holds (the API refuses any other), never platform:admin. */
function offeredScopes(context: PageContext): string[] {
  return context.session.scopes.filter((scope) => scope.includes(':') && scope !== 'platform:admin').toSorted();
}

function registrationPage(context: PageContext, input: Registration, problems: readonly Problem[] = []): PageResult {
  return page('Register an application', (
    <>
      <FormHead problems={problems} back={{ href: CLIENTS, label: "Back to the tenant's applications" }} title="Register an application" />
      <PostForm action={NEW_CLIENT} csrf={context.session.csrf}>
        <TextField id="name" label="Name" hint="Shown to people on the consent page and in lists." problems={problems} value={input.name} maxLength={NAME_MAX} />
        <Choices id="kind" type="radio" label="What kind of application is it?" problems={problems} checked={[input.kind]} choices={[
          { value: 'service', label: 'A service principal', hint: 'A back-office job acting for the tenant with its own secret (client credentials). It needs scopes and no redirect URI.' },
          { value: 'interactive', label: 'An application people sign in to', hint: 'People of this tenant sign in and choose what it may do. It needs at least one redirect URI.' },
        ]} />
        <Choices id="scopes" type="checkbox" label="Scopes it may hold at most" hint="Only scopes your own sign-in holds can be handed on." problems={problems} checked={input.scopes}
          choices={offeredScopes(context).map((scope) => ({ value: scope, label: scope }))} />
        <TextArea id="redirectUris" label="Redirect URIs" hint="One a line: https, or http on a loopback address. Only for an application people sign in to." problems={problems} value={input.redirectUris} rows={3} />
        <div class="ll-actions">
          <button type="submit">Register the application</button>
          <a href={CLIENTS}>Cancel</a>
        </div>
      </PostForm>
    </>
  ), problems.length > 0 ? 400 : undefined);
}

export async function newClientPage(context: PageContext): Promise<PageResult> {
  return registrationPage(context, { name: '', kind: '', scopes: [], redirectUris: '' });
}

function problemsOf(context: PageContext, input: Registration, redirectUris: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  if (input.name === '') problems.push({ field: 'name', message: 'Enter a name for the application.' });
  else if (input.name.length > NAME_MAX) problems.push({ field: 'name', message: `The name must be ${NAME_MAX} characters or fewer.` });
  if (input.kind !== 'service' && input.kind !== 'interactive') problems.push({ field: 'kind', message: 'Choose what kind of application it is.' });
  const offered = new Set(offeredScopes(context));
  if (input.scopes.some((scope) => !offered.has(scope))) problems.push({ field: 'scopes', message: 'Choose scopes from the list.' });
  else if (input.kind === 'service' && input.scopes.length === 0) problems.push({ field: 'scopes', message: 'Choose at least one scope: a service principal holds nothing else.' });
  if (input.kind === 'service' && redirectUris.length > 0) problems.push({ field: 'redirectUris', message: 'A service principal has no redirect URI: leave the box empty.' });
  if (input.kind === 'interactive' && redirectUris.length === 0) problems.push({ field: 'redirectUris', message: 'Enter at least one redirect URI: where people are sent back after signing in.' });
  if (redirectUris.length > REDIRECT_URIS_MAX) problems.push({ field: 'redirectUris', message: `Enter ${REDIRECT_URIS_MAX} redirect URIs or fewer.` });
  return problems;
}

export async function registerClient(context: PageContext): Promise<PageResult> {
  const input: Registration = { name: formText(context.form, 'name'), kind: formText(context.form, 'kind'), scopes: formValues(context.form, 'scopes'), redirectUris: formText(context.form, 'redirectUris') };
  const redirectUris = input.redirectUris.split(/\s+/).filter((uri) => uri !== '');
  const problems = problemsOf(context, input, redirectUris);
  if (problems.length > 0) return registrationPage(context, input, problems);
  let registered: NewClient;
  try {
    registered = await context.api.post<NewClient>('/v1/admin/clients', { name: input.name, kind: input.kind, scopes: input.scopes, ...(input.kind === 'interactive' && { redirectUris }) });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 400 || error.status === 403) && error.code !== 'tenant.suspended' && error.code !== 'insufficient_scope') {
      return registrationPage(context, input, [{ field: FIELD_OF_CODE[error.code], message: error.message }]);
    }
    throw error;
  }
  // Rendered from the POST's own answer: the secret is in this page only, never in a URL, a redirect or a store.
  return page('Application registered', <Registered client={registered} issuer={context.url.origin} />, 201);
}

function Registered({ client, issuer }: { client: NewClient; issuer: string }): VNode {
  return (
    <>
      <div class="ll-panel-good">
        <h1>{client.name ?? 'The application'} is registered</h1>
        <p>Client id: <code class="ll-id">{client.clientId}</code></p>
      </div>
      {client.clientSecret !== undefined && (
        <>
          <div class="ll-warning-text">
            <span class="ll-warning-icon" aria-hidden="true">!</span>
            <strong>
              <span class="ll-visually-hidden">Warning: </span>Copy the client secret now. It is shown this once: the platform keeps it only sealed and no page shows
              it again. If it is lost, register a new application and disable this one.
            </strong>
          </div>
          <div class="ll-field">
            <label for="client-secret">Client secret</label>
            <input id="client-secret" class="ll-secret" readonly value={client.clientSecret} autocomplete="off" spellcheck={false} />
          </div>
          <p>The service principal gets its tokens at <code>{issuer}/token</code> with <code>grant_type=client_credentials</code>, its client id and this secret (HTTP Basic).</p>
        </>
      )}
      <dl class="ll-summary">
        <dt>Kind</dt><dd>{client.kind === 'service' ? 'Service principal' : 'Interactive'}</dd>
        <dt>Scopes at most</dt><dd>{client.scopes.length === 0 ? 'What people allow' : client.scopes.join(', ')}</dd>
        {client.redirectUris.length > 0 && <><dt>Redirect URIs</dt><dd>{client.redirectUris.join(', ')}</dd></>}
      </dl>
      <p><a href={CLIENTS}>Back to the tenant's applications</a></p>
    </>
  );
}
