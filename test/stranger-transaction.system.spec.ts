import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import pg from 'pg';
import { startCluster, type Cluster } from './support/cluster.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { waitForRun } from './support/runs.js';

const TENANT = 'stranger';
const HOLD_MS = 20_000;
const ALLOWED_DELAY_MS = 1000;

/** A call whose first attempt fails and is retried: the saga is woken once by the relay (Kafka), once by its schedule. */
const retried = {
  name: 'retried_call', title: 'Retried call', description: 'Fails once, then succeeds.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: [{ id: 'call', type: 'call', connector: 'erp', request: { method: 'POST', path: '/orders/{{input.n}}' } }],
};

/**
 * Readers of the PostgreSQL log wait only for appends in flight. A stranger's transaction in the
 * same database (an operator's psql session, a reporting job, a migration: here a transaction id
 * and a written row, held for 20 s: any stall of the old xmin rule lasts as long as the hold, and one second is allowed) must not hold back the views (read-your-writes), the relay
 * to Kafka, or the saga's wake-ups: each round trip beside it stays within a second of the same
 * round trip measured alone, in the same run.
 */
describe('a stranger holding a transaction open in the same database', () => {
  let cluster: Cluster;
  let fixture: FixtureServer;
  let agent: Client;
  let n = 0;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    cluster = await startCluster({ workers: 1, env: { LEDGERLINE_RUN_RETRY_DELAYS_MS: '100' } });
    const token = cluster.issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['connectors:admin', 'automations:admin', 'automation:retried_call', 'runs:read', 'memory:read', 'memory:write'] });
    agent = await connect(cluster.api, token);
    await callOk(agent, 'connector_register', { name: 'erp', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 2000 } });
    await callOk(agent, 'automation_publish', { definition: retried });
  });
  afterAll(async () => {
    await agent?.close();
    await cluster?.stop();
    await fixture?.close();
  });

  /** memory_put, then memory_get of it (which waits for the views to hold the put), then a run through a retry to its end. */
  async function roundTrip(): Promise<{ view: number; run: number }> {
    const i = n++;
    await callOk(agent, 'memory_put', { namespace: 'notes', key: `k${i}`, value: i });
    const viewStart = performance.now();
    expect(await callOk(agent, 'memory_get', { namespace: 'notes', key: `k${i}` })).toMatchObject({ value: i });
    const view = performance.now() - viewStart;
    fixture.script(`/orders/${i}`, [{ status: 503 }, { status: 200 }]);
    const runStart = performance.now();
    const { runId } = await callOk<{ runId: string }>(agent, 'retried_call', { n: i });
    const run = await waitForRun(agent, runId, undefined, HOLD_MS * 2);
    expect(run).toMatchObject({ status: 'completed', steps: [{ attempts: 2 }] });
    return { view, run: performance.now() - runStart };
  }

  it('delays no reader by more than a second while it stays open', async () => {
    const alone: Array<{ view: number; run: number }> = [];
    for (let i = 0; i < 5; i++) alone.push(await roundTrip());
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const baseline = { view: median(alone.map((r) => r.view)), run: median(alone.map((r) => r.run)) };
    const tooSlow = (trip: { view: number; run: number }) => trip.view > baseline.view + ALLOWED_DELAY_MS || trip.run > baseline.run + ALLOWED_DELAY_MS;

    const stranger = new pg.Client({ connectionString: cluster.env.DATABASE_URL });
    await stranger.connect();
    const beside: Array<{ view: number; run: number }> = [];
    try {
      await stranger.query('BEGIN');
      await stranger.query('SELECT pg_current_xact_id()');
      await stranger.query(`CREATE TABLE stranger_report (id INT); INSERT INTO stranger_report VALUES (1)`);
      const openedAt = Date.now();
      while (Date.now() - openedAt < HOLD_MS) {
        let trip = await roundTrip();
        // A stall of this shared machine can slow one round trip; one held back by the stranger stays slow when repeated.
        if (tooSlow(trip)) trip = await roundTrip();
        beside.push(trip);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      // Still open at the end: the whole hold was spent beside it.
      expect((await stranger.query('SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS assigned')).rows[0]).toEqual({ assigned: true });
    } finally {
      await stranger.query('ROLLBACK').catch(() => undefined);
      await stranger.end();
    }
    console.log(`stranger's transaction (${HOLD_MS / 1000} s): baseline view ${baseline.view.toFixed(0)} ms, run ${baseline.run.toFixed(0)} ms; beside it (${beside.length} round trips) worst view ${Math.max(...beside.map((r) => r.view)).toFixed(0)} ms, worst run ${Math.max(...beside.map((r) => r.run)).toFixed(0)} ms; views ${beside.map((r) => r.view.toFixed(0)).join(' ')}; runs ${beside.map((r) => r.run.toFixed(0)).join(' ')}`);
    expect(beside.length).toBeGreaterThan(5);
    for (const trip of beside) {
      expect(trip.view).toBeLessThanOrEqual(baseline.view + ALLOWED_DELAY_MS);
      expect(trip.run).toBeLessThanOrEqual(baseline.run + ALLOWED_DELAY_MS);
    }
  }, HOLD_MS * 4);
});
