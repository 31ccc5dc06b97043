import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SqliteViewDb } from '#projections';
import { emptyViewsOf, planRecorder } from '../../../../projections/src/testing/query-plans.js';
import { auditEntriesProjection } from '../../projections/audit-entries.projection.js';
import { encodeAuditCursor, parseAuditFilter, type AuditFilterInput } from './audit-filter.js';
import { queryAuditEntries } from './query-audit-entries.js';

// What the view's query planner does with each page of the trail: a filter that matches few
// entries of a long trail must not read the whole trail (the console bench found 0.4 s per page
// at 1,000,000 entries, blocking the process meanwhile), and no page may sort its matches.
describe('audit trail pages on the embedded view database', () => {
  let built: { views: SqliteViewDb; close(): Promise<void> };
  const planOf = async (filter: AuditFilterInput): Promise<string> => {
    const { sql, plans } = planRecorder(built.views);
    await queryAuditEntries(sql, 'acme', parseAuditFilter(filter));
    return plans.join('; ');
  };

  beforeAll(async () => {
    built = await emptyViewsOf(auditEntriesProjection);
  });
  afterAll(async () => {
    await built?.close();
  });

  it.each([
    ['userId', 'eve', 'user_id'],
    ['tool', 'rest:POST /v1/automations', 'tool'],
    ['type', 'TenantSuspended', 'event_type'],
    ['automation', 'refund', 'automation'],
    ['connector', 'crm', 'connector'],
    ['streamId', 'run-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'stream_id'],
  ])('reads one %s as a range of its own index, in page order, either way and from a cursor', async (filter, value, column) => {
    for (const order of ['desc', 'asc'] as const) {
      for (const cursor of [undefined, encodeAuditCursor(1000, order)]) {
        const plan = await planOf({ [filter]: value, order, cursor });
        expect(plan).toMatch(new RegExp(`USING (COVERING )?INDEX audit_entries_by_${column} \\(tenant_id=\\? AND ${column}=\\?${cursor ? ' AND position[<>]\\?' : ''}\\)`));
        expect(plan).not.toContain('TEMP B-TREE');
      }
    }
  });

  it('reads the unfiltered trail (and a type prefix) along its primary key, in page order', async () => {
    for (const filter of [{}, { type: 'Step*' }, { from: '2026-01-01T00:00:00Z' }]) {
      const plan = await planOf(filter);
      expect(plan).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_audit_entries_1 \(tenant_id=\?\)/);
      expect(plan).not.toContain('TEMP B-TREE');
    }
  });
});
