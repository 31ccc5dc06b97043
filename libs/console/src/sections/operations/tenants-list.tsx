import type { VNode } from 'preact';
import { TENANT_ID } from '#tenants';
import { Empty, NextPage, Notice, StatusTag, TableRegion, Time } from '../../pages/components.js';
import { page, type PageContext, type PageResult } from '../../pages/page.js';
import { OPERATIONS, OperationsHead } from './operations-nav.js';
import type { TenantView } from './operations.types.js';

export const TENANTS = `${OPERATIONS}/tenants`;
export const TENANTS_PAGE_SIZE = 50;

export const tenantHref = (tenantId: string, action: 'suspend' | 'resume'): string => `${TENANTS}/${encodeURIComponent(tenantId)}/${action}`;

const NOTICES: Record<string, (tenantId: string) => string> = {
  created: (id) => `Tenant ${id} is created. Give its people accounts, and its administrators sign in to the console.`,
  suspended: (id) => `${id} is suspended: every token of it is refused from within a second or two, at /mcp and the REST API.`,
  resumed: (id) => `${id} is resumed: its tokens are accepted again.`,
};

export interface TenantPage {
  items: TenantView[];
  /** The last id shown, when more follow: the next page's `after`. */
  after: string | null;
  filter: string;
}

/**
 * One page of the registry by id, narrowed to ids or names containing `q`: after the URL's
 * `after`, or the page that holds its `tenant` (where a change lands). The API answers the whole
 * registry; the page is the URL's, so it can be shared and reloaded.
 */
export function tenantPage(all: readonly TenantView[], query: URLSearchParams, size = TENANTS_PAGE_SIZE): TenantPage {
  const filter = (query.get('q') ?? '').trim();
  const needle = filter.toLowerCase();
  const matching = all
    .filter((tenant) => needle === '' || tenant.id.toLowerCase().includes(needle) || tenant.name.toLowerCase().includes(needle))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const holding = matching.findIndex((tenant) => tenant.id === query.get('tenant'));
  const after = query.get('after') ?? '';
  const next = matching.findIndex((tenant) => tenant.id > after);
  const start = holding >= 0 ? holding - (holding % size) : next < 0 ? matching.length : next;
  const items = matching.slice(start, start + size);
  return { items, after: start + size < matching.length ? items[items.length - 1]!.id : null, filter };
}

function noticeOf(query: URLSearchParams): string | undefined {
  const tenantId = query.get('tenant') ?? '';
  const notice = NOTICES[query.get('notice') ?? ''];
  return notice && TENANT_ID.test(tenantId) ? notice(tenantId) : undefined;
}

function TenantRow({ tenant, own }: { tenant: TenantView; own: boolean }): VNode {
  const suspended = tenant.status === 'suspended';
  return (
    <tr>
      <td><span class="ll-strong">{tenant.id}</span>{own && <span class="ll-muted"> (yours)</span>}<br />{tenant.name}</td>
      <td>
        <StatusTag status={tenant.status} />
        {suspended && <><br /><span class="ll-small">since <Time at={tenant.suspendedAt} /></span>{tenant.reason && <><br /><span class="ll-small">{tenant.reason}</span></>}</>}
      </td>
      <td><Time at={tenant.createdAt} />{tenant.createdBy && <><br /><span class="ll-small ll-muted">by {tenant.createdBy}</span></>}</td>
      <td>
        {suspended
          ? <a href={tenantHref(tenant.id, 'resume')}>Resume<span class="ll-visually-hidden"> {tenant.id}</span></a>
          : <a href={tenantHref(tenant.id, 'suspend')}>Suspend<span class="ll-visually-hidden"> {tenant.id}</span></a>}
      </td>
    </tr>
  );
}

export async function tenantsPage(context: PageContext): Promise<PageResult> {
  const list = tenantPage(await context.api.get<TenantView[]>('/v1/tenants'), context.query);
  return page('Tenants', (
    <>
      <Notice text={noticeOf(context.query)} />
      <OperationsHead current="tenants">Every tenant registered on the platform. A suspended tenant's tokens are refused everywhere until it is resumed; nothing of it is deleted.</OperationsHead>
      <p><a class="ll-button" href={`${TENANTS}/new`}>Create a tenant</a></p>
      <form method="get" action={TENANTS} class="ll-filters" role="search" aria-label="Filter tenants">
        <div class="ll-field">
          <label for="q">Id or name contains</label>
          <input id="q" name="q" value={list.filter} maxLength={64} autocomplete="off" spellcheck={false} />
        </div>
        <div class="ll-actions"><button type="submit">Filter</button> <a href={TENANTS}>Clear</a></div>
      </form>
      {list.items.length === 0 ? (
        <Empty>{list.filter === '' ? 'No tenant is registered yet.' : `No tenant's id or name contains “${list.filter}”.`}</Empty>
      ) : (
        <TableRegion label="Tenants">
          <table>
            <caption class="ll-visually-hidden">Tenants by id</caption>
            <thead><tr><th scope="col">Tenant</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Action</th></tr></thead>
            <tbody>{list.items.map((tenant) => <TenantRow tenant={tenant} own={tenant.id === context.session.tenantId} />)}</tbody>
          </table>
        </TableRegion>
      )}
      <NextPage url={withoutHolding(context.url)} cursor={list.after} name="after" />
    </>
  ));
}

/** The next page follows on from the last id shown, whatever tenant the page was opened at. */
function withoutHolding(url: URL): URL {
  const next = new URL(url);
  next.searchParams.delete('tenant');
  return next;
}
