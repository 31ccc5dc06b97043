import { ApiError } from '../../api/console-api.js';
import type { Problem } from '../../pages/components.js';
import { FormHead, PostForm, TextField } from '../../pages/forms.js';
import { formText, page, redirect, type PageContext, type PageResult } from '../../pages/page.js';
import { hasScope } from '../../session/console-session.js';
import { DELEGATIONS, LIST_PATH, PRINTABLE, type DelegationPage, type DisabledClient, type TenantClient } from './delegation-links.js';

const ACTION = `${DELEGATIONS}/clients/disable`;
const REASON_MAX = 500;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const notFound = (clientId: string): ApiError => new ApiError(404, 'identity.client.not_found', `no client ${clientId}`, {});

function clientIdOf(value: string): string {
  if (value === '' || !PRINTABLE.test(value) || value.length > 2048) throw notFound(value);
  return value;
}

/** The application's name as the tenant knows it: from one of its grants here, or the tenant's own list. */
async function nameOf(context: PageContext, clientId: string): Promise<string | null> {
  const { grants } = await context.api.get<DelegationPage>('/v1/admin/grants', { client: clientId, limit: 1 });
  if (grants[0]?.clientName) return grants[0].clientName;
  if (!hasScope(context.session, 'clients:admin')) return null;
  const { clients } = await context.api.get<{ clients: TenantClient[] }>('/v1/admin/clients');
  return clients.find((client) => client.clientId === clientId)?.name ?? null;
}

function disablePage(context: PageContext, clientId: string, name: string | null, problems: readonly Problem[] = [], reason = ''): PageResult {
  const label = name ?? clientId;
  const tenant = context.session.tenantId;
  return page(`Disable ${label}`, (
    <>
      <FormHead problems={problems} back={{ href: LIST_PATH.tenant, label: "Back to the tenant's grants" }} title={`Disable ${label} for ${tenant}?`} />
      <dl class="ll-summary">
        <dt>Application</dt><dd>{name ?? 'Unnamed application'}</dd>
        <dt>Client id</dt><dd><code class="ll-id">{clientId}</code></dd>
      </dl>
      <p>Every grant anyone of {tenant} gave it is revoked, and its tokens are refused within a second. If it is one of {tenant}'s own applications, nobody can use it any more; if anyone may use it, it is refused in {tenant} only.</p>
      <p>It cannot be enabled again: register the application anew if it is needed later.</p>
      <PostForm action={ACTION} csrf={context.session.csrf}>
        <input type="hidden" name="client" value={clientId} />
        <TextField id="reason" label="Reason" hint="Kept in the tenant's trail with the disabling, for whoever asks why later." problems={problems} value={reason} maxLength={REASON_MAX} />
        <div class="ll-actions">
          <button type="submit" class="ll-warning">Disable {label} for {tenant}</button>
          <a href={LIST_PATH.tenant}>Keep it</a>
        </div>
      </PostForm>
    </>
  ), problems.length > 0 ? 400 : undefined);
}

export async function disableClientPage(context: PageContext): Promise<PageResult> {
  const clientId = clientIdOf((context.query.get('client') ?? '').trim());
  return disablePage(context, clientId, await nameOf(context, clientId));
}

export async function disableClient(context: PageContext): Promise<PageResult> {
  const clientId = clientIdOf(formText(context.form, 'client'));
  const reason = formText(context.form, 'reason');
  const problems: Problem[] = [];
  if (reason === '') problems.push({ field: 'reason', message: 'Enter why the application is disabled.' });
  else if (reason.length > REASON_MAX) problems.push({ field: 'reason', message: `The reason must be ${REASON_MAX} characters or fewer.` });
  else if (CONTROL.test(reason)) problems.push({ field: 'reason', message: 'The reason must be one line of text.' });
  if (problems.length > 0) return disablePage(context, clientId, await nameOf(context, clientId), problems, reason);
  let disabled: DisabledClient;
  try {
    disabled = await context.api.post<DisabledClient>(`/v1/admin/clients/${encodeURIComponent(clientId)}/disable`, { reason });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 409 || error.code === 'identity.client.invalid_reason')) {
      const message = error.status === 409 ? 'This application is disabled already.' : error.message;
      return disablePage(context, clientId, await nameOf(context, clientId), [{ field: error.status === 409 ? undefined : 'reason', message }], reason);
    }
    throw error;
  }
  return redirect(`${LIST_PATH.tenant}?${new URLSearchParams({ client: clientId, notice: `client-disabled-${disabled.blocked}` })}`);
}
