import type { RecordedEvent } from '#event-store';
import type { Projection } from '../projection.js';
import type { ViewSql } from '../view-db.port.js';

/**
 * A view for tests of how views are fed: each tenant's trail of `Stepped` events across all its
 * streams, in the order the view took them in. It differs from a rebuild if a tenant's events
 * came out of the log's order, twice, or not at all.
 */
export const trailProjection: Projection = {
  name: 'bf_trail',
  version: 1,
  tables: { bf_trail: 'CREATE TABLE bf_trail (tenant_id TEXT NOT NULL, trail TEXT NOT NULL, PRIMARY KEY (tenant_id))' },
  handles: (event) => event.type === 'Stepped',
  async apply(tx: ViewSql, event) {
    await tx.run("INSERT INTO bf_trail (tenant_id, trail) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET trail = bf_trail.trail || ' ' || excluded.trail", [event.tenantId, stepOf(event)]);
  },
};

const stepOf = (event: RecordedEvent): string => `${event.streamId}@${event.streamVersion}`;

export async function trails(db: ViewSql): Promise<Record<string, string>> {
  return Object.fromEntries((await db.all<{ tenant_id: string; trail: string }>('SELECT tenant_id, trail FROM bf_trail ORDER BY tenant_id')).map((row) => [row.tenant_id, row.trail]));
}

/** What the view holds once it took in the events `holds` picks: each tenant's steps in log order. */
export function expectedTrails(events: readonly RecordedEvent[], holds: (event: RecordedEvent) => boolean = () => true): Record<string, string> {
  const result: Record<string, string> = {};
  for (const event of events) if (event.type === 'Stepped' && holds(event)) result[event.tenantId] = [result[event.tenantId], stepOf(event)].filter(Boolean).join(' ');
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
}
