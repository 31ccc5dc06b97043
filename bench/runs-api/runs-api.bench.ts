// Runs API benchmark: the latency of the REST reads a console renders its Runs, Run and Approvals
// pages from (GET /v1/runs with each filter and deep cursors, GET /v1/runs/{id}/events,
// GET /v1/approvals, GET /v1/automations/{name}) for a tenant with BENCH_RUNS_API_RUNS runs of
// about ten events each (100,000 runs, 1,000,000 events by default), spread over 100 days, 50
// users and 20 automations, on the embedded SQLite store and on PostgreSQL. Each call is made
// BENCH_CALLS times one after another (keep-alive HTTP, after a warm-up); p50, p95 and max.
// Usage: ./run npm run -s build && ./run node deploy/with-services.mjs -- node dist/bench/runs-api/runs-api.bench.js
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DevIssuer } from '#auth';
import { PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '#event-store';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { seededRandom } from '../../test/support/seeded-random.js';
import { freePort, waitForHttp } from '../../test/support/processes.js';
import { LIFTED_LIMITS, runBench, statedSettings, type StatedSettings } from '../support/bench-settings.js';
import { machine, writeResults } from '../support/bench-utils.js';
import { drive, percentile } from '../support/run-load.js';

const RUNS = Number(process.env.BENCH_RUNS_API_RUNS ?? 100_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const WARM_UP = 20;
const TENANT = 'bench';
const USERS = 50;
const AUTOMATIONS = 20;
const DAY = 86_400_000;
const FIRST_START = Date.parse('2026-01-01T00:00:00.000Z');
const SPACING = (100 * DAY) / RUNS;
const STEPS = ['s1', 's2', 's3', 's4'];

interface Latency { p50Ms: number; p95Ms: number; maxMs: number }
interface StoreResult { seedSeconds: number; events: number; viewsReadySeconds: number; calls: Record<string, Latency>; platform: StatedSettings }

/** One run's events, all recorded at its start: a run of four calls that ends by its status, or parks at an approval. */
function runEvents(n: number, random: () => number): { events: NewEvent[]; startedBy: string } {
  const runId = runIdOf(n);
  const startedBy = `u${Math.floor(random() * USERS)}`;
  const automation = `auto_${Math.floor(random() * AUTOMATIONS)}`;
  const startedAt = FIRST_START + n * SPACING;
  const draw = random();
  const status = draw < 0.9 ? 'completed' : draw < 0.96 ? 'failed' : draw < 0.98 ? 'cancelled' : draw < 0.99 ? 'timed_out' : 'running';
  const meta = { userId: startedBy, tool: automation };
  const events: NewEvent[] = [{ type: 'RunStarted', data: { runId, automation, version: 1, input: { ref: `r${n}`, amount: n % 1000 }, startedBy, startedAt, deadlineAt: startedAt + 400 * DAY, stepIds: STEPS, secretPins: {} }, metadata: meta }];
  const calls = status === 'running' ? STEPS.slice(0, 3) : STEPS;
  for (const stepId of calls) {
    events.push({ type: 'StepStarted', data: { stepId, attempt: 1, startedAt, leaseUntil: startedAt + 15_000 } });
    events.push({ type: 'StepSucceeded', data: { stepId, attempt: 1, output: { status: 200, body: { id: `${stepId}-${n}` } } } });
  }
  const final: Record<string, NewEvent> = {
    completed: { type: 'RunCompleted', data: { outputs: { s4: { status: 200 } } } },
    failed: { type: 'RunFailed', data: { reason: 'step_failed', stepId: 's4', message: 'POST erp/orders answered 500' } },
    cancelled: { type: 'RunCancelled', data: { reason: 'not needed', requestedBy: startedBy, compensated: [], compensationFailed: [] } },
    timed_out: { type: 'RunTimedOut', data: { deadlineAt: startedAt + 400 * DAY } },
    running: { type: 'ApprovalRequested', data: { approvalId: `${runId}.s4`, stepId: 's4', prompt: `Send r${n}?`, requestedBy: startedBy, deadlineAt: null } },
  };
  events.push(final[status]!);
  return { events, startedBy };
}

function runIdOf(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `run-00000000-0000-4000-8000-${hex}`;
}

/** Appends every run, each at its own start time (the store's clock is the seed's). */
async function seed(open: (clock: () => Date) => Promise<EventStore>, concurrency: number): Promise<number> {
  const random = seededRandom(7);
  const planned = Array.from({ length: RUNS }, (_, n) => runEvents(n, random));
  let now = new Date(FIRST_START);
  const store = await open(() => now);
  let events = 0;
  try {
    await drive(RUNS, concurrency, async (n) => {
      now = new Date(FIRST_START + n * SPACING);
      await store.append(TENANT, runIdOf(n), 'no-stream', planned[n]!.events);
      events += planned[n]!.events.length;
      if (n % 10_000 === 0) process.stderr.write(`  seeded ${n} runs\n`);
    });
  } finally {
    await store.close();
  }
  return events;
}

async function startPlatform(dataDir: string, extra: Record<string, string>): Promise<{ url: string; env: Record<string, string>; child: ChildProcess }> {
  const port = await freePort();
  const env = { LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, ...LIFTED_LIMITS, ...extra };
  const child = spawn(process.execPath, ['dist/apps/platform/src/main.js'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`, 600_000);
  return { url, env, child };
}

/** Until every view holds the whole log (the platform builds them all on its first start): measured without that work beside it. */
async function viewsCaughtUp(url: string): Promise<void> {
  for (;;) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const lags = [...metrics.matchAll(/^ledgerline_projection_lag_events\{[^}]*\} (\d+)/gm)].map((match) => Number(match[1]));
    if (lags.length > 0 && lags.every((lag) => lag === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function timed(url: string, token: string): Promise<number> {
  const began = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body.slice(0, 300)}`);
  return performance.now() - began;
}

async function measure(url: string, token: string): Promise<Latency> {
  for (let i = 0; i < WARM_UP; i++) await timed(url, token);
  const latencies: number[] = [];
  for (let i = 0; i < CALLS; i++) latencies.push(await timed(url, token));
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { p50Ms: round(percentile(latencies, 50)), p95Ms: round(percentile(latencies, 95)), maxMs: round(latencies[latencies.length - 1]!) };
}

/** The cursor of the page `pages` pages into a list. */
async function cursorAt(url: string, token: string, pages: number): Promise<string> {
  let cursor = '';
  for (let page = 0; page < pages; page++) {
    const response = (await (await fetch(`${url}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { nextCursor: string };
    cursor = response.nextCursor;
  }
  return cursor;
}

async function measureCalls(url: string, dataDir: string): Promise<Record<string, Latency>> {
  const issuer = DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` });
  const user = issuer.mint({ tenantId: TENANT, userId: 'u7', scopes: ['runs:read'], ttlSeconds: 3600 });
  const admin = issuer.mint({ tenantId: TENANT, userId: 'root', scopes: ['runs:read', 'runs:admin', 'automations:admin', 'approvals:decide'], ttlSeconds: 3600 });
  for (let version = 1; version <= 3; version++) {
    const definition = { name: 'auto_0', title: `Auto 0 v${version}`, description: 'Asks.', inputSchema: { type: 'object' }, steps: [{ id: 'ok', type: 'approval', prompt: 'ok?' }] };
    const published = await fetch(`${url}/v1/automations`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ definition }) });
    if (published.status !== 200) throw new Error(`publish: ${published.status} ${await published.text()}`);
  }
  const at = (day: number) => new Date(FIRST_START + day * DAY).toISOString();
  const own = `${url}/v1/runs?limit=20`;
  const all = `${url}/v1/runs?allUsers=true&limit=20`;
  const cases: Array<[string, string, string]> = [
    ['own runs', own, user],
    ['own runs, status=running (1 %)', `${own}&status=running`, user],
    ['own runs, automation', `${own}&automation=auto_3`, user],
    ['own runs, automation and status=failed', `${own}&automation=auto_3&status=failed`, user],
    ['own runs, last day', `${own}&since=${at(99)}`, user],
    ['own runs, page 20', `${own}&cursor=${await cursorAt(own, user, 20)}`, user],
    ['all runs', all, admin],
    ['all runs, limit=100', `${url}/v1/runs?allUsers=true&limit=100`, admin],
    ['all runs, status=running (1 %)', `${all}&status=running`, admin],
    ['all runs, status=failed', `${all}&status=failed`, admin],
    ['all runs, automation and status=timed_out', `${all}&automation=auto_5&status=timed_out`, admin],
    ['all runs, requester, automation and status', `${all}&requester=u3&automation=auto_5&status=completed`, admin],
    ['all runs, until day 10', `${all}&until=${at(10)}`, admin],
    ['all runs, days 40-41', `${all}&since=${at(40)}&until=${at(41)}`, admin],
    ['all runs, status=running, days 40-60', `${all}&status=running&since=${at(40)}&until=${at(60)}`, admin],
    [`all runs, page ${Math.floor(RUNS / 40)} (half way)`, `${all}&cursor=${await cursorAt(all, admin, Math.floor(RUNS / 40))}`, admin],
    ['events of a run', `${url}/v1/runs/${runIdOf(Math.floor(RUNS / 2))}/events`, admin],
    ['approvals, first 100 (~1 % of runs pending)', `${url}/v1/approvals`, admin],
    ['approvals, second page', `${url}/v1/approvals?limit=100&cursor=${await cursorAt(`${url}/v1/approvals?limit=100`, admin, 1)}`, admin],
    ['automation with 3 versions', `${url}/v1/automations/auto_0`, admin],
  ];
  const results: Record<string, Latency> = {};
  for (const [name, call, token] of cases) {
    results[name] = await measure(call, token);
    process.stderr.write(`  ${name}: p50 ${results[name].p50Ms} ms, p95 ${results[name].p95Ms} ms, max ${results[name].maxMs} ms\n`);
  }
  return results;
}

async function measureStore(kind: 'sqlite' | 'postgres'): Promise<StoreResult> {
  process.stderr.write(`${kind}: seeding ${RUNS} runs\n`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-runs-api-'));
  const database = kind === 'postgres' ? await createTestDatabase('ll_bench') : undefined;
  const seedBegan = performance.now();
  const events = database
    ? await seed((clock) => PostgresEventStore.connect({ connectionString: database.url, poolSize: 8, clock }), 8)
    : await seed(async (clock) => SqliteEventStore.open({ path: join(dataDir, 'events.db'), clock }), 32);
  const seedSeconds = (performance.now() - seedBegan) / 1000;
  process.stderr.write(`${kind}: ${events} events in ${seedSeconds.toFixed(0)} s; starting the platform (it builds its views)\n`);
  const startBegan = performance.now();
  const platform = await startPlatform(dataDir, database ? { DATABASE_URL: database.url, LEDGERLINE_EVENT_STORE: 'postgres', LEDGERLINE_PG_POOL_SIZE: '10' } : {});
  try {
    await viewsCaughtUp(platform.url);
    const viewsReadySeconds = (performance.now() - startBegan) / 1000;
    process.stderr.write(`${kind}: views ready after ${viewsReadySeconds.toFixed(0)} s\n`);
    if (database) {
      // As autovacuum would leave the freshly filled view tables: with statistics.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('ANALYZE');
      await client.end();
    }
    return { seedSeconds: Math.round(seedSeconds), events, viewsReadySeconds: Math.round(viewsReadySeconds), calls: await measureCalls(platform.url, dataDir), platform: statedSettings(platform.env) };
  } finally {
    const exited = new Promise((resolve) => platform.child.once('exit', resolve));
    platform.child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_STORES?.split(',') ?? ['sqlite', 'postgres'];
  const sqlite = only.includes('sqlite') ? await measureStore('sqlite') : undefined;
  const postgres = only.includes('postgres') && process.env.DATABASE_URL ? await measureStore('postgres') : undefined;
  writeResults('bench/results/runs-api.json', {
    benchmark: 'runs-api', measuredAt: new Date().toISOString(), machine: machine(),
    settings: { runs: RUNS, users: USERS, automations: AUTOMATIONS, days: 100, callsPerCase: CALLS, warmUp: WARM_UP, platform: { sqlite: sqlite?.platform, postgres: postgres?.platform } },
    sqlite: sqlite && { ...sqlite, platform: undefined }, postgres: postgres && { ...postgres, platform: undefined },
  });
  const names = Object.keys(sqlite?.calls ?? postgres?.calls ?? {});
  console.table(Object.fromEntries(names.map((name) => [name, { 'sqlite p50': sqlite?.calls[name]?.p50Ms, 'sqlite p95': sqlite?.calls[name]?.p95Ms, 'postgres p50': postgres?.calls[name]?.p50Ms, 'postgres p95': postgres?.calls[name]?.p95Ms }])));
  console.log('written to bench/results/runs-api.json');
}

await runBench('runs-api', main);
