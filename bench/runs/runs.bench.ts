// Runs benchmark: end-to-end runs/s (start tool call -> RunCompleted) of a two-step automation
// against the fixture downstream, and the p95 start-to-complete latency, on the embedded SQLite
// store and on PostgreSQL. Baseline, same run: the same two downstream calls made directly from
// here at the same concurrency (what the downstream work costs without the platform).
// Usage: npm run bench:runs (starts PostgreSQL itself). BENCH_RUNS, BENCH_TOTAL, BENCH_CONCURRENCY.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { startFixtureServer, type FixtureServer } from '../../test/support/fixture-server.js';
import { freePort, waitForHttp } from '../../test/support/processes.js';
import { LIFTED_LIMITS, LOOPBACK_EGRESS, runBench, statedSettings, type StatedSettings } from '../support/bench-settings.js';
import { formatRate, machine, median, writeResults } from '../support/bench-utils.js';
import { drive, mcpCaller, percentile, post, runIdOf, waitForCompletions } from '../support/run-load.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const UNLOADED_RUNS = 50;
const TENANT = 'bench';

const automation = {
  name: 'two_steps', title: 'Two steps', description: 'Reserve, then confirm.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: [
    { id: 'reserve', type: 'call', connector: 'shop', request: { method: 'POST', path: '/reserve/{{input.n}}', body: { n: '{{input.n}}' } } },
    { id: 'confirm', type: 'call', connector: 'shop', request: { method: 'POST', path: '/confirm/{{input.n}}', body: { reservation: '{{steps.reserve.output.body.id}}' } } },
  ],
};

interface Measured {
  runsPerSec: number;
  p50StartToCompleteMs: number;
  p95StartToCompleteMs: number;
}

class Platform {
  private constructor(readonly url: string, readonly dataDir: string, readonly env: Record<string, string>, private readonly child: ChildProcess) {}

  static async start(extra: Record<string, string>): Promise<Platform> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-runs-'));
    const port = await freePort();
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the platform's node.
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    // One tenant drives the whole load here: the per-tenant caps that protect tenants from each other are lifted.
    const env = { LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, ...LIFTED_LIMITS, ...LOOPBACK_EGRESS, ...extra };
    const child = spawn(process.execPath, [...nodeArgs, 'dist/apps/platform/src/main.js'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/readyz`, 30_000).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    return new Platform(url, dataDir, env, child);
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function measureLedgerline(platform: Platform, store: EventStore, fixture: FixtureServer, round: number, unloaded = false): Promise<Measured> {
  const token = DevIssuer.openOrCreate(platform.dataDir, { issuer: platform.url, audience: `${platform.url}/mcp` })
    .mint({ tenantId: TENANT, userId: 'bench', scopes: ['connectors:admin', 'automations:admin', 'automation:two_steps'], ttlSeconds: 3600 });
  const { call, close } = mcpCaller(`${platform.url}/mcp`, token, CONCURRENCY);
  if (round === 0) {
    await call('connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 10000, burst: 10000 } } });
    await call('automation_publish', { definition: automation });
  }
  const after = await store.headPosition();
  const startedAt = new Map<string, number>();
  const began = Date.now();
  // Loaded: starters start runs back to back. Unloaded: one run at a time, the next after the last completed.
  const total = unloaded ? UNLOADED_RUNS : TOTAL;
  await drive(total, unloaded ? 1 : CONCURRENCY, async (n) => {
    const sentAt = Date.now();
    const text = await call('two_steps', { n: (unloaded ? 1_000_000 : 0) + round * TOTAL + n });
    const runId = runIdOf(text);
    startedAt.set(runId, sentAt);
    while (unloaded && (await store.readStream(TENANT, runId, { direction: 'backward', limit: 1 }))[0]?.type !== 'RunCompleted') await new Promise((resolve) => setTimeout(resolve, 2));
  });
  const completedAt = await waitForCompletions(store, after, startedAt.size, TENANT);
  close();
  const latencies = [...startedAt].map(([runId, sentAt]) => completedAt.get(`${TENANT}/${runId}`)! - sentAt).sort((a, b) => a - b);
  const last = Math.max(...completedAt.values());
  return { runsPerSec: total / ((last - began) / 1000), p50StartToCompleteMs: percentile(latencies, 50), p95StartToCompleteMs: percentile(latencies, 95) };
}

/** The downstream work alone: the same two calls per job, sequential within a job, from here. */
async function measureBaseline(fixture: FixtureServer, round: number): Promise<Measured> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const began = Date.now();
  await drive(TOTAL, CONCURRENCY, async (n) => {
    const t0 = Date.now();
    const key = `baseline-${round}-${n}`;
    const first = JSON.parse(await post(agent, new URL(`${fixture.url}/reserve/b${key}`), { 'idempotency-key': key }, JSON.stringify({ n }))) as { id: unknown };
    await post(agent, new URL(`${fixture.url}/confirm/b${key}`), { 'idempotency-key': `${key}:2` }, JSON.stringify({ reservation: first.id }));
    latencies.push(Date.now() - t0);
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { runsPerSec: TOTAL / ((Date.now() - began) / 1000), p50StartToCompleteMs: percentile(latencies, 50), p95StartToCompleteMs: percentile(latencies, 95) };
}

function summarise(label: string, rounds: Measured[]): Measured & { rounds: Measured[] } {
  const result = {
    runsPerSec: median(rounds.map((r) => r.runsPerSec)),
    p50StartToCompleteMs: median(rounds.map((r) => r.p50StartToCompleteMs)),
    p95StartToCompleteMs: median(rounds.map((r) => r.p95StartToCompleteMs)),
    rounds,
  };
  process.stderr.write(`  ${label}: ${formatRate(result.runsPerSec)} runs/s, p50 ${result.p50StartToCompleteMs} ms, p95 ${result.p95StartToCompleteMs} ms\n`);
  return result;
}

async function measureStore(kind: 'sqlite' | 'postgres', fixture: FixtureServer): Promise<Measured & { rounds: Measured[]; unloaded: Measured; platform: StatedSettings }> {
  const database = kind === 'postgres' ? await createTestDatabase('ll_bench') : undefined;
  const platform = await Platform.start(database ? { DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '10' } : {});
  const store = database ? await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 }) : SqliteEventStore.open({ path: join(platform.dataDir, 'events.db') });
  try {
    const rounds: Measured[] = [];
    for (let round = 0; round < RUNS; round++) rounds.push(await measureLedgerline(platform, store, fixture, round));
    const loaded = summarise(kind, rounds);
    const unloaded = await measureLedgerline(platform, store, fixture, RUNS, true);
    process.stderr.write(`  ${kind}, one run at a time: p50 ${unloaded.p50StartToCompleteMs} ms, p95 ${unloaded.p95StartToCompleteMs} ms\n`);
    return { ...loaded, unloaded, platform: statedSettings(platform.env) };
  } finally {
    await store.close();
    await platform.stop();
    await database?.drop();
  }
}

async function main(): Promise<void> {
  process.stderr.write(`runs benchmark: ${TOTAL} two-step runs per round from ${CONCURRENCY} concurrent starters, median of ${RUNS} rounds\n`);
  const fixture = await startFixtureServer();
  try {
    const baselineRounds: Measured[] = [];
    for (let round = 0; round < RUNS; round++) baselineRounds.push(await measureBaseline(fixture, round));
    const baseline = summarise('baseline (direct downstream calls)', baselineRounds);
    const sqlite = await measureStore('sqlite', fixture);
    const postgres = process.env.DATABASE_URL ? await measureStore('postgres', fixture) : undefined;
    writeResults('bench/results/runs.json', {
      benchmark: 'runs', measuredAt: new Date().toISOString(), machine: machine(),
      settings: {
        runsPerRound: TOTAL, concurrentStarters: CONCURRENCY, rounds: RUNS, unloadedRuns: UNLOADED_RUNS, automation: 'two connector calls, durable appends, embedded saga',
        platform: { sqlite: sqlite.platform, postgres: postgres?.platform }, platformNodeArgs: process.env.BENCH_NODE_ARGS ?? '',
      },
      runsPerSec: sqlite.runsPerSec,
      p95StartToCompleteMs: sqlite.p95StartToCompleteMs,
      unloadedP95StartToCompleteMs: sqlite.unloaded.p95StartToCompleteMs,
      sqlite: { ...sqlite, platform: undefined }, postgres: postgres && { ...postgres, platform: undefined }, baseline,
      sqliteToBaseline: sqlite.runsPerSec / baseline.runsPerSec,
    });
    const row = ({ rounds: _rounds, platform: _platform, ...figures }: Measured & { rounds: Measured[]; unloaded?: Measured; platform?: StatedSettings }) => ({ ...figures, unloaded: figures.unloaded && `p50 ${figures.unloaded.p50StartToCompleteMs} / p95 ${figures.unloaded.p95StartToCompleteMs} ms` });
    console.table({ baseline: row(baseline), sqlite: row(sqlite), ...(postgres && { postgres: row(postgres) }) });
    console.log(`runs/s (sqlite) ${formatRate(sqlite.runsPerSec)}, p95 start-to-complete ${sqlite.p95StartToCompleteMs} ms; written to bench/results/runs.json`);
  } finally {
    await fixture.close();
  }
}

await runBench('runs', main);
