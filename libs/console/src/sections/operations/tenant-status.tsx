import type { VNode } from 'preact';
import { TENANT_ID } from '#tenants';
import { ApiError } from '../../api/console-api.js';
import { StatusTag, Time, type Problem } from '../../pages/components.js';
import { FormHead, PostForm, TextArea } from '../../pages/forms.js';
import { formText, page, redirect, type PageContext, type PageResult } from '../../pages/page.js';
import { isFormRefusal } from '../form-refusal.js';
import type { TenantView } from './operations.types.js';
import { tenantHref, TENANTS } from './tenants-list.js';

const REASON_MAX = 500;
type Change = 'suspend' | 'resume';

/** The API has no single-tenant read: the tenant is found in the registry's list. */
async function findTenant(context: PageContext): Promise<TenantView> {
  const tenantId = context.params.tenantId ?? '';
  const tenant = TENANT_ID.test(tenantId) ? (await context.api.get<TenantView[]>('/v1/tenants')).find((candidate) => candidate.id === tenantId) : undefined;
  if (!tenant) throw new ApiError(404, 'tenant.not_found', `tenant ${tenantId} is not registered`, {});
  return tenant;
}

function TenantSummary({ tenant }: { tenant: TenantView }): VNode {
  return (
    <dl class="ll-summary">
      <dt>Id</dt><dd>{tenant.id}</dd>
      <dt>Name</dt><dd>{tenant.name}</dd>
      <dt>Status</dt><dd><StatusTag status={tenant.status} /></dd>
      {tenant.status === 'suspended' && <><dt>Suspended</dt><dd><Time at={tenant.suspendedAt} /></dd><dt>Reason</dt><dd>{tenant.reason ?? '–'}</dd></>}
      <dt>Created</dt><dd><Time at={tenant.createdAt} />{tenant.createdBy && ` by ${tenant.createdBy}`}</dd>
    </dl>
  );
}

/** The page when the tenant is not in the state the change needs (someone else was quicker). */
function alreadyPage(tenant: TenantView, change: Change): PageResult {
  const other: Change = change === 'suspend' ? 'resume' : 'suspend';
  return page(`${tenant.id} is ${tenant.status}`, (
    <>
      <FormHead problems={[]} back={{ href: TENANTS, label: 'Back to tenants' }} title={change === 'suspend' ? `${tenant.id} is suspended already` : `${tenant.id} is not suspended`} />
      <TenantSummary tenant={tenant} />
      <p><a href={tenantHref(tenant.id, other)}>{other === 'resume' ? 'Resume' : 'Suspend'} {tenant.id}</a></p>
    </>
  ), 409);
}

function suspendPage(context: PageContext, tenant: TenantView, problems: readonly Problem[] = [], reason = ''): PageResult {
  const own = tenant.id === context.session.tenantId;
  return page(`Suspend ${tenant.id}`, (
    <>
      <FormHead problems={problems} back={{ href: TENANTS, label: 'Back to tenants' }} title={`Suspend ${tenant.id}?`} />
      <TenantSummary tenant={tenant} />
      {own && (
        <div class="ll-warning-text">
          <span class="ll-warning-icon" aria-hidden="true">!</span>
          <strong><span class="ll-visually-hidden">Warning: </span>This is your own tenant. Suspending it refuses your tokens too, this console's included: only the CLI (<code>ledgerline tenants resume</code>) can resume it then.</strong>
        </div>
      )}
      <p>
        Every token of {tenant.id} (its people's, its agents' and its service principals') is refused from within a second or two, at /mcp and the REST
        API, with 403 tenant.suspended. Nothing of it is deleted: resuming it lets its tokens in again.
      </p>
      <PostForm action={tenantHref(tenant.id, 'suspend')} csrf={context.session.csrf}>
        <TextArea id="reason" label="Reason" hint="Kept in the registry for platform administrators; the tenant's callers are not told it." problems={problems} value={reason} rows={2} maxLength={REASON_MAX} />
        <div class="ll-actions">
          <button type="submit" class="ll-warning">Suspend {tenant.id}</button>
          <a href={TENANTS}>Keep it active</a>
        </div>
      </PostForm>
    </>
  ), problems.length > 0 ? 400 : undefined);
}

function resumePage(context: PageContext, tenant: TenantView, problems: readonly Problem[] = []): PageResult {
  return page(`Resume ${tenant.id}`, (
    <>
      <FormHead problems={problems} back={{ href: TENANTS, label: 'Back to tenants' }} title={`Resume ${tenant.id}?`} />
      <TenantSummary tenant={tenant} />
      <p>The tokens of {tenant.id} are accepted again from within a second or two.</p>
      <PostForm action={tenantHref(tenant.id, 'resume')} csrf={context.session.csrf}>
        <div class="ll-actions">
          <button type="submit">Resume {tenant.id}</button>
          <a href={TENANTS}>Leave it suspended</a>
        </div>
      </PostForm>
    </>
  ), problems.length > 0 ? 409 : undefined);
}

export async function suspendTenantPage(context: PageContext): Promise<PageResult> {
  const tenant = await findTenant(context);
  return tenant.status === 'suspended' ? alreadyPage(tenant, 'suspend') : suspendPage(context, tenant);
}

export async function resumeTenantPage(context: PageContext): Promise<PageResult> {
  const tenant = await findTenant(context);
  return tenant.status === 'active' ? alreadyPage(tenant, 'resume') : resumePage(context, tenant);
}

export async function suspendTenant(context: PageContext): Promise<PageResult> {
  const tenant = await findTenant(context);
  const reason = formText(context.form, 'reason');
  if (reason === '') return suspendPage(context, tenant, [{ field: 'reason', message: `Enter why ${tenant.id} is suspended.` }], reason);
  if (reason.length > REASON_MAX) return suspendPage(context, tenant, [{ field: 'reason', message: `The reason must be ${REASON_MAX} characters or fewer.` }], reason);
  try {
    await context.api.post(`/v1/tenants/${encodeURIComponent(tenant.id)}/suspend`, { reason });
  } catch (error) {
    if (!isFormRefusal(error)) throw error;
    const already = error.code === 'tenant.already_suspended';
    return suspendPage(context, tenant, [{ field: already ? undefined : 'reason', message: already ? `${tenant.id} is suspended already: someone else suspended it.` : error.message }], reason);
  }
  return redirect(`${TENANTS}?${new URLSearchParams({ tenant: tenant.id, notice: 'suspended' })}`);
}

export async function resumeTenant(context: PageContext): Promise<PageResult> {
  const tenant = await findTenant(context);
  try {
    await context.api.post(`/v1/tenants/${encodeURIComponent(tenant.id)}/resume`, {});
  } catch (error) {
    if (!isFormRefusal(error)) throw error;
    return resumePage(context, tenant, [{ message: error.code === 'tenant.not_suspended' ? `${tenant.id} is not suspended: someone else resumed it.` : error.message }]);
  }
  return redirect(`${TENANTS}?${new URLSearchParams({ tenant: tenant.id, notice: 'resumed' })}`);
}
