import type { VNode } from 'preact';
import { CONSOLE_CLIENT_ID, type Delegation } from '#identity';
import type { PageContext } from '../../pages/page.js';
import { hasScope } from '../../session/console-session.js';

export type { Delegation, DelegationPage, DisabledClient, NewClient, TenantClient } from '#identity';

export const DELEGATIONS = '/console/delegations';
/** Whose grants a page shows: the person's own (grants:manage) or every one of the tenant (grants:admin). */
export type GrantScope = 'own' | 'tenant';
export const GRANTS_API: Record<GrantScope, string> = { own: '/v1/grants', tenant: '/v1/admin/grants' };
export const LIST_PATH: Record<GrantScope, string> = { own: DELEGATIONS, tenant: `${DELEGATIONS}/tenant` };
/** The API's own rules (grant ids; user and client filters): what fails them is not looked up. */
export const GRANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const PRINTABLE = /^[\x21-\x7e]+$/;

/** The console's own client is static configuration, not in the client directory: the API gives it no name. */
export function clientNameOf(grant: Pick<Delegation, 'clientId' | 'clientName'>): string | null {
  return grant.clientName ?? (grant.clientId === CONSOLE_CLIENT_ID ? 'Ledgerline console' : null);
}

export function clientLabel(grant: Pick<Delegation, 'clientId' | 'clientName'>): string {
  return clientNameOf(grant) ?? grant.clientId;
}

export function revokeHref(scope: GrantScope, grant: Delegation): string {
  const path = `${scope === 'own' ? `${DELEGATIONS}/grants` : `${DELEGATIONS}/tenant/grants`}/${encodeURIComponent(grant.grantId)}/revoke`;
  // The tenant's grants are found again by person and client: the link narrows the search, the id decides.
  return scope === 'own' ? path : `${path}?${new URLSearchParams({ user: grant.userId, client: grant.clientId })}`;
}

export function disableHref(clientId: string): string {
  return `${DELEGATIONS}/clients/disable?${new URLSearchParams({ client: clientId })}`;
}

/** The section's own pages, each shown to whoever holds its scope. */
export function DelegationsNav({ context, current }: { context: PageContext; current: 'own' | 'tenant' | 'clients' }): VNode {
  const links = [
    { id: 'own', href: DELEGATIONS, label: 'Your grants', scope: 'grants:manage' },
    { id: 'tenant', href: `${DELEGATIONS}/tenant`, label: "Every grant of the tenant", scope: 'grants:admin' },
    { id: 'clients', href: `${DELEGATIONS}/clients`, label: "The tenant's applications", scope: 'clients:admin' },
  ].filter((link) => hasScope(context.session, link.scope));
  return (
    <nav class="ll-subnav" aria-label="Delegations">
      <ul>
        {links.map((link) => (
          <li><a href={link.href} aria-current={link.id === current ? 'page' : undefined}>{link.label}</a></li>
        ))}
      </ul>
    </nav>
  );
}
