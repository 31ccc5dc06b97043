import { ConflictError } from '#core';
import type { EventStore, RecordedEvent } from '#event-store';
import { CHECKPOINTS_TABLE, loadFrontier, type Frontier } from '../checkpoints.js';
import { applyEvents, type Projection } from '../projection.js';
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
 * A view fed by the bus's partitions has a checkpoint per partition (Frontier): the shadow takes
 * each event the live view holds, by the position of its tenant's partition, and the partitions'
 * consumers go on from their own positions.
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
    const live = await loadFrontier(tx, projection.name, db.lockRowsClause);
    if (!live || live.version !== state.liveVersion) throw new LiveVersionMismatchError(projection.name, live?.version, projection.version);
    if (live.low < state.position) {
      throw new ConflictError('projections.rebuild.live_went_back', `the live view of ${projection.name} went back to ${live.low} (rebuilt in place?) behind its shadow at ${state.position}: run the rebuild again`, { projection: projection.name });
    }
    const rest = await eventsBetween(store, state, live);
    const shadow = shadowSql(tx, names);
    await applyEvents(projection, shadow, rest.filter((event) => projection.handles(event)));
    for (const [liveTable, shadowTable] of names) {
      if (allTenants) {
        await tx.run(`DROP TABLE ${liveTable}`);
        await tx.run(`ALTER TABLE ${shadowTable} RENAME TO ${liveTable}`);
      } else {
        await replaceTenantRows(tx, liveTable, shadowTable, state.tenantScope);
      }
    }
    await tx.run(`UPDATE ${CHECKPOINTS_TABLE} SET position = ? WHERE name = ?`, [live.low, projection.name]);
    await advanceRebuild(tx, state, live.low, false);
    return { position: live.low, eventsApplied: rest.length };
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

/** The events after the shadow's position that the live view holds. */
async function eventsBetween(store: EventStore, state: RebuildState, live: Frontier): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  if (live.high <= state.position) return events;
  const tenantId = state.tenantScope === ALL_TENANTS ? undefined : state.tenantScope;
  for await (const batch of store.readAll({ after: state.position, tenantId })) {
    events.push(...batch.filter((event) => live.holds(event)));
    if (batch[batch.length - 1]!.globalPosition >= live.high) break;
  }
  return events;
}
