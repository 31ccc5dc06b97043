import type { ConsoleSection } from '../pages/page.js';
import { disableClient, disableClientPage } from './delegations/disable-client.js';
import { ownGrantsPage, tenantGrantsPage } from './delegations/grant-lists.js';
import { revokeGrant, revokeGrantPage } from './delegations/revoke-grant.js';
import { newClientPage, registerClient, tenantClientsPage } from './delegations/tenant-clients.js';

/**
 * Delegations: the applications a person allowed to act for them, and for tenant admins every
 * grant of the tenant, disabling an application for the tenant, and the tenant's own applications.
 * Every call is the person's own: the API decides what each may see and do.
 */
export const delegationsSection: ConsoleSection = {
  id: 'delegations',
  label: 'Delegations',
  href: '/console/delegations',
  scopes: ['grants:manage', 'grants:admin', 'clients:admin'],
  routes: [
    { method: 'GET', path: '/delegations', handle: ownGrantsPage },
    { method: 'GET', path: '/delegations/grants/:grantId/revoke', handle: (context) => revokeGrantPage(context, 'own') },
    { method: 'POST', path: '/delegations/grants/:grantId/revoke', handle: (context) => revokeGrant(context, 'own') },
    { method: 'GET', path: '/delegations/tenant', handle: tenantGrantsPage },
    { method: 'GET', path: '/delegations/tenant/grants/:grantId/revoke', handle: (context) => revokeGrantPage(context, 'tenant') },
    { method: 'POST', path: '/delegations/tenant/grants/:grantId/revoke', handle: (context) => revokeGrant(context, 'tenant') },
    { method: 'GET', path: '/delegations/clients/disable', handle: disableClientPage },
    { method: 'POST', path: '/delegations/clients/disable', handle: disableClient },
    { method: 'GET', path: '/delegations/clients', handle: tenantClientsPage },
    { method: 'GET', path: '/delegations/clients/new', handle: newClientPage },
    { method: 'POST', path: '/delegations/clients/new', handle: registerClient },
  ],
};
