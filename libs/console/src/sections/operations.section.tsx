import type { VNode } from 'preact';
import { page, type ConsoleSection, type PageResult } from '../pages/page.js';
import { createTenant, newTenantPage } from './operations/create-tenant.js';
import { deadLettersPage } from './operations/dead-letters.js';
import { instancesPage } from './operations/instances.js';
import { kafkaPage } from './operations/kafka-lag.js';
import { OPERATIONS_PAGES } from './operations/operations-nav.js';
import { redrive, redriveConfirmPage } from './operations/redrive.js';
import { resumeTenant, resumeTenantPage, suspendTenant, suspendTenantPage } from './operations/tenant-status.js';
import { tenantsPage } from './operations/tenants-list.js';
import { viewsPage } from './operations/views.js';

function Landing(): VNode {
  return (
    <>
      <h1>Operations</h1>
      <p class="ll-lede">The platform as a whole, for its administrators: every tenant, and the machinery that serves them all.</p>
      <ul class="ll-op-links">
        {OPERATIONS_PAGES.map((entry) => (
          <li><a class="ll-strong" href={entry.href}>{entry.label}</a><p>{entry.about}</p></li>
        ))}
      </ul>
    </>
  );
}

const landingPage = async (): Promise<PageResult> => page('Operations', <Landing />);

/**
 * Operations: platform administrators' pages (scope platform:admin, which the consent page offers
 * only to LEDGERLINE_OPERATORS). Each reads the admin REST API with the person's own token.
 */
export const operationsSection: ConsoleSection = {
  id: 'operations',
  label: 'Operations',
  href: '/console/operations',
  scopes: ['platform:admin'],
  routes: [
    { method: 'GET', path: '/operations', handle: landingPage },
    { method: 'GET', path: '/operations/tenants', handle: tenantsPage },
    { method: 'GET', path: '/operations/tenants/new', handle: newTenantPage },
    { method: 'POST', path: '/operations/tenants/new', handle: createTenant },
    { method: 'GET', path: '/operations/tenants/:tenantId/suspend', handle: suspendTenantPage },
    { method: 'POST', path: '/operations/tenants/:tenantId/suspend', handle: suspendTenant },
    { method: 'GET', path: '/operations/tenants/:tenantId/resume', handle: resumeTenantPage },
    { method: 'POST', path: '/operations/tenants/:tenantId/resume', handle: resumeTenant },
    { method: 'GET', path: '/operations/views', handle: viewsPage },
    { method: 'GET', path: '/operations/kafka', handle: kafkaPage },
    { method: 'GET', path: '/operations/dead-letters', handle: (context) => deadLettersPage(context) },
    { method: 'GET', path: '/operations/dead-letters/redrive', handle: redriveConfirmPage },
    { method: 'POST', path: '/operations/dead-letters/redrive', handle: redrive },
    { method: 'GET', path: '/operations/instances', handle: instancesPage },
  ],
};
