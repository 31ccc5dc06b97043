import type { VNode } from 'preact';
import { ApiError } from '../../api/console-api.js';
import { Empty, ErrorSummary, NextPage, Notice, type Problem } from '../../pages/components.js';
import { TextField } from '../../pages/forms.js';
import { page, type PageContext, type PageResult } from '../../pages/page.js';
import { hasScope } from '../../session/console-session.js';
import { DelegationsNav, GRANTS_API, LIST_PATH, PRINTABLE, type DelegationPage, type GrantScope } from './delegation-links.js';
import { GrantsTable } from './grants-table.js';

const PAGE_SIZE = 25;
const NOTICES: Record<string, string> = {
  revoked: 'Access revoked: the application can no longer refresh, and its access tokens are refused within a second.',
  'client-disabled-everywhere': "Application disabled: it was the tenant's own, so nobody can use it any more; its grants are revoked and its tokens refused within a second.",
  'client-disabled-this_tenant': "Application disabled for this tenant: its grants here are revoked and its tokens refused within a second; other tenants are not affected.",
};

interface TenantFilters {
  user: string;
  client: string;
}

/** What the API answers for a page, or the problem to show instead (a stale cursor, a bad filter). */
async function grantsPage(context: PageContext, scope: GrantScope, filters: Partial<TenantFilters> = {}): Promise<{ answer: DelegationPage } | { problem: Problem }> {
  try {
    return { answer: await context.api.get<DelegationPage>(GRANTS_API[scope], { ...filters, limit: PAGE_SIZE, cursor: context.query.get('cursor') ?? undefined }) };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    return { problem: { message: error.code === 'identity.grant.invalid_cursor' ? 'This page link is out of date: start again from the first page.' : error.message } };
  }
}

function Grants({ context, scope, result, empty }: { context: PageContext; scope: GrantScope; result: { answer: DelegationPage } | { problem: Problem }; empty: string }): VNode | null {
  if (!('answer' in result)) return null;
  const { grants, nextCursor } = result.answer;
  return (
    <>
      {grants.length === 0 ? <Empty>{empty}</Empty> : (
        <>
          <GrantsTable grants={grants} scope={scope} sessionGrant={context.session.grantId} canDisable={scope === 'tenant'} />
          <p class="ll-hint">Last use is to within a minute: each server notes it in memory and writes it once a minute.</p>
        </>
      )}
      <NextPage url={context.url} cursor={nextCursor} />
    </>
  );
}

export async function ownGrantsPage(context: PageContext): Promise<PageResult> {
  const notice = <Notice text={NOTICES[context.query.get('notice') ?? '']} />;
  if (!hasScope(context.session, 'grants:manage')) {
    return page('Delegations', (
      <>
        {notice}
        <h1>Delegations</h1>
        <DelegationsNav context={context} current="own" />
        <p>Your sign-in does not let the console list your own grants (it needs <code>grants:manage</code>). The tenant's pages are above.</p>
      </>
    ));
  }
  const result = await grantsPage(context, 'own');
  return page('Your grants', (
    <>
      <ErrorSummary problems={'problem' in result ? [result.problem] : []} />
      {notice}
      <h1>Delegations</h1>
      <DelegationsNav context={context} current="own" />
      <p class="ll-lede">Applications you allowed to act for you. Revoke any you no longer use: it stops at once, and asks you again if it wants back in.</p>
      <Grants context={context} scope="own" result={result} empty="You have allowed no application to act for you." />
    </>
  ));
}

function tenantFiltersOf(context: PageContext): { filters: TenantFilters; problems: Problem[] } {
  const filters = { user: (context.query.get('user') ?? '').trim(), client: (context.query.get('client') ?? '').trim() };
  const problems: Problem[] = [];
  if (filters.user !== '' && (!PRINTABLE.test(filters.user) || filters.user.length > 256)) problems.push({ field: 'user', message: 'Enter a user id: up to 256 characters, no spaces.' });
  if (filters.client !== '' && (!PRINTABLE.test(filters.client) || filters.client.length > 2048)) problems.push({ field: 'client', message: 'Enter a client id: up to 2048 characters, no spaces.' });
  return { filters, problems };
}

export async function tenantGrantsPage(context: PageContext): Promise<PageResult> {
  const { filters, problems } = tenantFiltersOf(context);
  const result = problems.length === 0 ? await grantsPage(context, 'tenant', filters) : undefined;
  if (result && 'problem' in result) problems.push(result.problem);
  return page("The tenant's grants", (
    <>
      <ErrorSummary problems={problems} />
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <h1>Delegations</h1>
      <DelegationsNav context={context} current="tenant" />
      <p class="ll-lede">Every application anyone of {context.session.tenantId} allowed to act for them. Revoke one grant, or disable an application for the whole tenant.</p>
      <form method="get" action={LIST_PATH.tenant} class="ll-filters" role="search" aria-label="Filter the tenant's grants">
        <TextField id="user" label="Person (user id)" problems={problems} value={filters.user} maxLength={256} />
        <TextField id="client" label="Application (client id)" problems={problems} value={filters.client} maxLength={2048} />
        <div class="ll-actions"><button type="submit">Filter</button> <a href={LIST_PATH.tenant}>Clear</a></div>
      </form>
      {result && <Grants context={context} scope="tenant" result={result} empty="No grant matches these filters." />}
    </>
  ));
}
