import { ConflictError } from '#core';
import type { EventStore, RecordedEvent } from '#event-store';
import { CHECKPOINTS_TABLE, loadCheckpoint } from '../checkpoints.js';
import type { Projection } from '../projection.js';
import type { ViewDb, ViewSql } from '../view-db.port.js';
import { advanceRebuild, ALL_TENANTS, type RebuildState } from './rebuild-state.js';
import { shadowNames, shadowSql } from './shadow-tables.js';
import { LiveVersionMismatchError } from './view-rebuild.errors.js';

/**
 * Puts a caught-up shadow in place of the live view, in one transaction that locks the live
 * tables before anything else. Then it reads the live checkpoint P with its row locked: a live
 * projector's transaction writes its rows before its checkpoint, so taking the tables first and
 * the checkpoint second waits for such a transaction instead of deadlocking with it. The shadow
 * takes the events (shadow position, P], then replaces the live rows, and the checkpoint stays P.
 *
 * The live projector runs on from its own in-memory position, which is never below P; the
 * events between its saved checkpoint and that position are ones it does not handle (it saves
 * every batch with a handled event before moving past it: see Projector.catchUp), so the switched
 * view misses none of its events and it applies none twice. Returns P.
 */
export async function switchShadowIn(store: EventStore, db: ViewDb, projection: Projection, state: RebuildState): Promise<{ position: number; eventsApplied: number }> {
  const names = shadowNames(projection, state.generation);
  const allTenants = state.tenantScope === ALL_TENANTS;
  // Row-level security and grants stay with a table when it is renamed.
  if (allTenants) for (const shadow of names.values()) await db.protectTenantTable(shadow);
  return db.exclusiveTransaction([...names.keys()], async (tx) => {
    const live = await loadCheckpoint(tx, projection.name, db.lockRowsClause);
    if (!live || live.version !== state.liveVersion) throw new LiveVersionMismatchError(projection.name, live?.version, projection.version);
    if (live.position < state.position) {
      throw new ConflictError('projections.rebuild.live_went_back', `the live view of ${projection.name} went back to ${live.position} (rebuilt in place?) behind its shadow at ${state.position}: run the rebuild again`, { projection: projection.name });
    }
    const rest = await eventsBetween(store, state, live.position);
    const shadow = shadowSql(tx, names);
    for (const event of rest) if (projection.handles(event)) await projection.apply(shadow, event);
    for (const [liveTable, shadowTable] of names) {
      if (allTenants) {
        await tx.run(`DROP TABLE ${liveTable}`);
        await tx.run(`ALTER TABLE ${shadowTable} RENAME TO ${liveTable}`);
      } else {
        await replaceTenantRows(tx, liveTable, shadowTable, state.tenantScope);
      }
    }
    await tx.run(`UPDATE ${CHECKPOINTS_TABLE} SET position = ? WHERE name = ?`, [live.position, projection.name]);
    await advanceRebuild(tx, state, live.position, false);
    return { position: live.position, eventsApplied: rest.length };
  });
}

/**
 * A projection writes only rows of its event's own tenant, so the tenant's rows built from its
 * events alone are all its rows: they replace the live ones, the other tenants' rows stay as
 * they are. Both tables come from the same CREATE TABLE, so their columns line up.
 */
async function replaceTenantRows(tx: ViewSql, liveTable: string, shadowTable: string, tenantId: string): Promise<void> {
  await tx.run(`DELETE FROM ${liveTable} WHERE tenant_id = ?`, [tenantId]);
  await tx.run(`INSERT INTO ${liveTable} SELECT * FROM ${shadowTable}`);
  await tx.run(`DROP TABLE ${shadowTable}`);
}

async function eventsBetween(store: EventStore, state: RebuildState, upTo: number): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  if (upTo <= state.position) return events;
  const tenantId = state.tenantScope === ALL_TENANTS ? undefined : state.tenantScope;
  for await (const batch of store.readAll({ after: state.position, tenantId })) {
    events.push(...batch.filter((event) => event.globalPosition <= upTo));
    if (batch[batch.length - 1]!.globalPosition >= upTo) break;
  }
  return events;
}
