import type { ConsoleSection } from '../pages/page.js';
import { compliancePage } from './compliance/compliance-page.js';
import { downloadExport, verifyNewExport } from './compliance/export-verification.js';
import { purge, purgeDonePage, purgePage } from './compliance/purge.js';
import { EVENT_RETENTION, MEMORY_RETENTION, saveRetention } from './compliance/retention.js';

/** Compliance: the tenant's signed export (and its verification), event and memory retention, purge. */
export const complianceSection: ConsoleSection = {
  id: 'compliance',
  label: 'Compliance',
  href: '/console/compliance',
  scopes: ['compliance:export', 'compliance:admin', 'compliance:purge', 'memory:admin'],
  routes: [
    { method: 'GET', path: '/compliance', handle: (context) => compliancePage(context) },
    { method: 'GET', path: '/compliance/export', handle: downloadExport },
    { method: 'GET', path: '/compliance/verify', handle: verifyNewExport },
    { method: 'POST', path: '/compliance/retention/events', handle: (context) => saveRetention(context, EVENT_RETENTION) },
    { method: 'POST', path: '/compliance/retention/memory', handle: (context) => saveRetention(context, MEMORY_RETENTION) },
    { method: 'GET', path: '/compliance/purge', handle: purgePage },
    { method: 'POST', path: '/compliance/purge', handle: purge },
    { method: 'GET', path: '/compliance/purge/done', handle: purgeDonePage },
  ],
};
