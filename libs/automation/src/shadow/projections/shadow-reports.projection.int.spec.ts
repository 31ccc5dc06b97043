import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '#event-store';
import { Projector, SqliteViewDb } from '#projections';
import type { ShadowComparison } from '../shadow.events.js';
import { SHADOW_REPORT_PATHS_TABLE, SHADOW_REPORTS_TABLE, shadowReportsProjection } from './shadow-reports.projection.js';

const comparison = (runId: string, identical: boolean): ShadowComparison => ({
  runId, automation: 'pay', liveVersion: 1, shadowVersion: 2, requestsIdentical: identical, sameSequence: true,
  live: { outcome: 'completed', failureClass: null, durationMs: 10 }, shadow: { outcome: 'completed', failureClass: null, durationMs: 30 },
  calls: [{ stepId: 'quote', live: true, shadow: true, differingPaths: identical ? [] : ['body.currency'] }],
});

describe('the shadow reports view', () => {
  let dir: string;
  let store: SqliteEventStore;
  let views: SqliteViewDb;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-shadow-reports-'));
    store = SqliteEventStore.open({ path: join(dir, 'events.db') });
    views = SqliteViewDb.open(join(dir, 'views.db'));
  });
  afterAll(async () => {
    await store.close();
    await views.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sums the comparisons in live runs' final events and in earlier versions' ShadowRunCompared events, once per run, and nothing else", async () => {
    // A run closed by an earlier version: its comparison on a stream of its own.
    await store.append('acme', 'shadow-run-1', 'no-stream', [{ type: 'ShadowRunCompared', data: comparison('run-1', true) }]);
    // Runs closed now: the comparison in the final event, whichever it is.
    await store.append('acme', 'run-2', 'any', [{ type: 'RunCompleted', data: { outputs: {}, shadow: comparison('run-2', false) } }]);
    await store.append('acme', 'run-3', 'any', [{ type: 'RunFailed', data: { reason: 'step.not_retryable', stepId: 'quote', message: 'no', shadow: comparison('run-3', true) } }]);
    // Not comparisons: a final event without one, one of another stream, a field of another event.
    await store.append('acme', 'run-4', 'any', [{ type: 'RunCompleted', data: { outputs: {} } }]);
    await store.append('acme', 'memory:x', 'any', [{ type: 'RunCompleted', data: { outputs: {}, shadow: comparison('run-5', true) } }]);
    await store.append('acme', 'run-6', 'any', [{ type: 'StepSucceeded', data: { stepId: 'quote', shadow: comparison('run-6', true) } }]);
    await store.append('other', 'run-7', 'any', [{ type: 'RunCompleted', data: { outputs: {}, shadow: comparison('run-7', true) } }]);
    // A run compared in both forms (workers of both versions on one log, or an upgrade in between) counts once, whichever came first.
    await store.append('acme', 'shadow-run-2', 'no-stream', [{ type: 'ShadowRunCompared', data: comparison('run-2', true) }]);
    await store.append('acme', 'shadow-run-8', 'no-stream', [{ type: 'ShadowRunCompared', data: comparison('run-8', true) }]);
    await store.append('acme', 'run-8', 'any', [{ type: 'RunCompleted', data: { outputs: {}, shadow: comparison('run-8', true) } }]);

    const projector = new Projector(store, views, shadowReportsProjection);
    await projector.start();
    await projector.stop();
    const reports = await views.all(`SELECT tenant_id, automation, version, runs, identical_runs, live_ms_sum, shadow_ms_sum FROM ${SHADOW_REPORTS_TABLE} ORDER BY tenant_id`);
    expect(reports).toEqual([
      { tenant_id: 'acme', automation: 'pay', version: 2, runs: 4, identical_runs: 3, live_ms_sum: 40, shadow_ms_sum: 120 },
      { tenant_id: 'other', automation: 'pay', version: 2, runs: 1, identical_runs: 1, live_ms_sum: 10, shadow_ms_sum: 30 },
    ]);
    expect(await views.all(`SELECT tenant_id, step_id, path, runs FROM ${SHADOW_REPORT_PATHS_TABLE}`)).toEqual([{ tenant_id: 'acme', step_id: 'quote', path: 'body.currency', runs: 1 }]);
  });
});
