// Runs benchmark: end-to-end runs/s (start tool call -> RunCompleted) of a two-step automation
// against the fixture downstream, and the p95 start-to-complete latency, on the embedded SQLite
// store and on PostgreSQL. Baseline, same run: the same two downstream calls made directly from
// here at the same concurrency (what the downstream work costs without the platform).
// Then, open loop at half the saturating rate just measured (starts on a clock, whatever the
// completions do), the start-to-complete latency a platform not at its limit gives. Per round it
// also states the platform's CPU time per run (from /proc: the figure least moved by neighbours).
// Last, the cost of history: the same loaded rounds on SQLite with BENCH_GROWN_RUNS (1,000,000)
// finished runs of the tenant already in the store (seeded as the console bench seeds them; the
// platform builds its views from the log on its start), against the empty store's.
// The overhead rounds: what 20 policies in enforce mode (policyOverhead) and a shadow version
// compared with every run (shadowOverhead) cost a run, on SQLite, each
// feature's tenant beside a plain tenant on one platform, rounds taken in turn.
// Usage: npm run bench:runs (starts PostgreSQL itself). BENCH_RUNS, BENCH_TOTAL, BENCH_CONCURRENCY,
// BENCH_STORES (sqlite,postgres by default; sqlite alone for quick iterations), BENCH_GROWN_RUNS
// (0 skips the grown store), BENCH_OVERHEAD_ROUNDS (16; rounds of each in the overhead rounds, rounded up to whole rotations),
// BENCH_OVERHEAD_TOTAL (1000; runs per overhead round),
// BENCH_ONLY=overheads (the overhead rounds alone, printed, bench/results/runs.json left as it is:
// for iterating on a feature's cost), with BENCH_VARIANTS (policies,shadow,control; the plain rounds always
// run, so an empty list profiles plain runs alone).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { comparisonIn } from '#automation';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { startFixtureServer, type FixtureServer } from '../../test/support/fixture-server.js';
import { freePort, waitForHttp } from '../../test/support/processes.js';
import { LIFTED_LIMITS, LOOPBACK_EGRESS, runBench, statedSettings, type StatedSettings } from '../support/bench-settings.js';
import { formatRate, machine, median, writeResults } from '../support/bench-utils.js';
import { drive, mcpCaller, percentile, post, runIdOf, waitForCompletions } from '../support/run-load.js';
import { seedTenant } from '../console/seed-tenant.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const UNLOADED_RUNS = 50;
/** BENCH_STORES=sqlite skips PostgreSQL, for quick iterations (SQLite, whose figures the JSON leads with, always runs). */
const STORES = new Set((process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((store) => store.trim()));
/** Finished runs of the tenant in the store before the grown rounds; 0 skips them. */
const GROWN_RUNS = Number(process.env.BENCH_GROWN_RUNS ?? 1_000_000);
const TENANT = 'bench';
/** A few per cent is the figure sought, and neighbours move a short round by more: more and longer rounds than the others. */
const OVERHEAD_ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 16);
const OVERHEAD_TOTAL = Number(process.env.BENCH_OVERHEAD_TOTAL ?? 1000);
/** Each tenant's warm-up round, not counted: its setup, and the code its path runs warmed up. */
const OVERHEAD_WARM_UP = Math.ceil(OVERHEAD_TOTAL / 4);
/** 'overheads': the overhead rounds alone, nothing written. */
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'overheads') throw new Error(`BENCH_ONLY=${ONLY}: only "overheads" is known`);
const VARIANTS = new Set((process.env.BENCH_VARIANTS ?? 'policies,shadow,control').split(',').map((name) => name.trim()).filter(Boolean));

const automation = {
  name: 'two_steps', title: 'Two steps', description: 'Reserve, then confirm.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: [
    { id: 'reserve', type: 'call', connector: 'shop', request: { method: 'POST', path: '/reserve/{{input.n}}', body: { n: '{{input.n}}' } } },
    { id: 'confirm', type: 'call', connector: 'shop', request: { method: 'POST', path: '/confirm/{{input.n}}', body: { reservation: '{{steps.reserve.output.body.id}}' } } },
  ],
};

/**
 * Who drives a round: a tenant of its own, set up once (on its first round). The plain tenant has
 * the automation alone; the overhead rounds add 20 enforce policies, or a shadow version.
 */
interface Variant {
  tenant: string;
  scopes: string[];
  setup(call: (name: string, args: unknown) => Promise<string>): Promise<void>;
}

const registerAndPublish = async (call: (name: string, args: unknown) => Promise<string>, fixture: FixtureServer): Promise<void> => {
  await call('connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 10000, burst: 10000 } } });
  await call('automation_publish', { definition: automation });
};

const plain = (fixture: FixtureServer, tenant = TENANT): Variant => ({
  tenant, scopes: ['connectors:admin', 'automations:admin', 'automation:two_steps'], setup: (call) => registerAndPublish(call, fixture),
});

/**
 * 20 policies in enforce mode that every start is evaluated against and none forbids (n is never
 * negative): the cost of evaluating them and of the PolicyEvaluated event each call appends.
 */
const POLICY_COUNT = 20;
const withPolicies = (fixture: FixtureServer): Variant => ({
  tenant: `${TENANT}-policies`, scopes: ['connectors:admin', 'automations:admin', 'automation:two_steps', 'policies:admin'],
  async setup(call) {
    await registerAndPublish(call, fixture);
    for (let k = 1; k <= POLICY_COUNT; k++) {
      const text = `forbid(principal, action == Action::"call", resource == Tool::"two_steps") when { context.arguments has n && context.arguments.n < -${k} };`;
      await call('policy_publish', { name: `never_${k}`, text, mode: 'enforce' });
    }
  },
});

/**
 * A shadow version beside the live one (more retries, the same requests): each run is compared
 * with it just before it closes, computed by the dry-run planner and recorded in its final event.
 * Its criteria ask for more runs than the bench makes, so it stays in the shadow throughout.
 */
const withShadow = (fixture: FixtureServer): Variant => ({
  tenant: `${TENANT}-shadow`, scopes: ['connectors:admin', 'automations:admin', 'automation:two_steps'],
  async setup(call) {
    await registerAndPublish(call, fixture);
    const shadow = { ...automation, steps: automation.steps.map((step) => ({ ...step, retry: { maxAttempts: 8 } })) };
    await call('automation_publish', { definition: shadow, inShadow: true, successCriteria: { minRuns: 1_000_000 } });
  },
});

/** The overhead rounds' features, each beside the plain tenant. */
const overheadVariants = (fixture: FixtureServer): Record<string, Variant> => ({ policies: withPolicies(fixture), shadow: withShadow(fixture), control: plain(fixture, `${TENANT}-control`) });

interface Measured {
  runsPerSec: number;
  p50StartToCompleteMs: number;
  p95StartToCompleteMs: number;
  /** The platform process's CPU time (user + system) per run, over the round. */
  platformCpuMsPerRun?: number;
  /** This process's CPU time per run over the round: the MCP client, the fixture downstream and the completions' reads. */
  driverCpuMsPerRun?: number;
}

/** Closed loop: `concurrency` starters back to back (1: one run at a time, the next after the last completed). Open: starts on a clock. */
type Load = { kind: 'closed'; concurrency: number; total: number } | { kind: 'open'; ratePerSec: number; total: number };

class Platform {
  private constructor(readonly url: string, readonly dataDir: string, readonly env: Record<string, string>, private readonly child: ChildProcess) {}

  /** CPU time the platform used so far, in ms; undefined where /proc is not there. */
  cpuMs(): number | undefined {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime and stime in clock ticks (100 per second on Linux).
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves once the platform is at rest (under 2 ms of CPU in 100 ms, twice in a row; 30 s at
   * most): the projections have caught up with what a round appended.
   */
  async settled(): Promise<void> {
    let last = this.cpuMs();
    if (last === undefined) return;
    let quiet = 0;
    for (const deadline = Date.now() + 30_000; quiet < 2 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = this.cpuMs()!;
      quiet = now - last < 2 ? quiet + 1 : 0;
      last = now;
    }
  }

  /** `dataDir`: a directory already holding a store (the grown rounds); a new empty one by default. */
  static async start(extra: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-runs-'))): Promise<Platform> {
    const port = await freePort();
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the platform's node.
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    // One tenant drives the whole load here: the per-tenant caps that protect tenants from each other are lifted.
    const env = { LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, ...LIFTED_LIMITS, ...LOOPBACK_EGRESS, ...extra };
    const child = spawn(process.execPath, [...nodeArgs, 'dist/apps/platform/src/main.js'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    // On a grown store the embedded platform answers /readyz once its views have caught up with the log (7.5 min for 10,000,000 events here).
    await waitForHttp(`${url}/readyz`, 1_800_000).catch((error: unknown) => {
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

async function measureLedgerline(platform: Platform, store: EventStore, fixture: FixtureServer, round: number, load: Load, variant: Variant = plain(fixture)): Promise<Measured> {
  const tenant = variant.tenant;
  const token = DevIssuer.openOrCreate(platform.dataDir, { issuer: platform.url, audience: `${platform.url}/mcp` })
    .mint({ tenantId: tenant, userId: 'bench', scopes: variant.scopes, ttlSeconds: 3600 });
  const { call, close } = mcpCaller(`${platform.url}/mcp`, token, load.kind === 'open' ? 64 : load.concurrency);
  if (round === 0) await variant.setup(call);
  const after = await store.headPosition();
  const startedAt = new Map<string, number>();
  const cpuBefore = platform.cpuMs();
  const driverBefore = process.cpuUsage();
  const began = Date.now();
  const start = async (n: number, sentAt: number): Promise<string> => {
    const runId = runIdOf(await call('two_steps', { n: round * 1_000_000 + n }));
    startedAt.set(runId, sentAt);
    return runId;
  };
  if (load.kind === 'open') {
    await startOnClock(load.total, load.ratePerSec, (n, sentAt) => start(n, sentAt).then(() => undefined));
  } else {
    await drive(load.total, load.concurrency, async (n) => {
      const runId = await start(n, Date.now());
      while (load.concurrency === 1 && (await store.readStream(tenant, runId, { direction: 'backward', limit: 1 }))[0]?.type !== 'RunCompleted') await new Promise((resolve) => setTimeout(resolve, 2));
    });
  }
  const completedAt = await waitForCompletions(store, after, startedAt.size, tenant);
  // The views the round's events feed may still be catching up: their work is the round's, not the next one's.
  await platform.settled();
  const cpuAfter = platform.cpuMs();
  const driver = process.cpuUsage(driverBefore);
  close();
  const latencies = [...startedAt].map(([runId, sentAt]) => completedAt.get(`${tenant}/${runId}`)! - sentAt).sort((a, b) => a - b);
  const last = Math.max(...completedAt.values());
  return {
    runsPerSec: load.total / ((last - began) / 1000), p50StartToCompleteMs: percentile(latencies, 50), p95StartToCompleteMs: percentile(latencies, 95),
    ...(cpuBefore !== undefined && cpuAfter !== undefined && { platformCpuMsPerRun: Math.round(((cpuAfter - cpuBefore) / load.total) * 100) / 100 }),
    driverCpuMsPerRun: Math.round(((driver.user + driver.system) / 1000 / load.total) * 100) / 100,
  };
}

/** Open loop: job n is started at began + n / rate, whether or not the earlier ones are done; resolves when all are. */
async function startOnClock(total: number, ratePerSec: number, job: (n: number, sentAt: number) => Promise<void>): Promise<void> {
  const began = Date.now();
  const jobs: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = began + (n * 1000) / ratePerSec;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    // The latency counts from when the start was due: a load generator running late does not hide the platform's queue.
    jobs.push(job(n, Math.round(due)));
  }
  await Promise.all(jobs);
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
    ...(rounds.every((r) => r.platformCpuMsPerRun !== undefined) && { platformCpuMsPerRun: median(rounds.map((r) => r.platformCpuMsPerRun!)) }),
    ...(rounds.every((r) => r.driverCpuMsPerRun !== undefined) && { driverCpuMsPerRun: median(rounds.map((r) => r.driverCpuMsPerRun!)) }),
    rounds,
  };
  const cpu = (result.platformCpuMsPerRun === undefined ? '' : `, ${result.platformCpuMsPerRun} ms platform CPU per run`) + (result.driverCpuMsPerRun === undefined ? '' : ` (${result.driverCpuMsPerRun} ms in the driver)`);
  process.stderr.write(`  ${label}: ${formatRate(result.runsPerSec)} runs/s, p50 ${result.p50StartToCompleteMs} ms, p95 ${result.p95StartToCompleteMs} ms${cpu}\n`);
  return result;
}

/** RUNS closed-loop rounds of TOTAL runs from CONCURRENCY starters, summarised under `label`. */
async function loadedRounds(label: string, platform: Platform, store: EventStore, fixture: FixtureServer): Promise<Measured & { rounds: Measured[] }> {
  const rounds: Measured[] = [];
  for (let round = 0; round < RUNS; round++) rounds.push(await measureLedgerline(platform, store, fixture, round, { kind: 'closed', concurrency: CONCURRENCY, total: TOTAL }));
  return summarise(label, rounds);
}

async function measureStore(kind: 'sqlite' | 'postgres', fixture: FixtureServer): Promise<Measured & { rounds: Measured[]; unloaded: Measured; halfLoad: Measured & { ratePerSec: number }; platform: StatedSettings }> {
  const database = kind === 'postgres' ? await createTestDatabase('ll_bench') : undefined;
  const platform = await Platform.start(database ? { DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '10' } : {});
  const store = database ? await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 }) : SqliteEventStore.open({ path: join(platform.dataDir, 'events.db') });
  try {
    const loaded = await loadedRounds(kind, platform, store, fixture);
    const ratePerSec = Math.round(loaded.runsPerSec / 2);
    // As many runs as the loaded rounds, but at least 3 s of them: a p95 of a burst would say little.
    const halfLoad = { ratePerSec, ...(await measureLedgerline(platform, store, fixture, RUNS, { kind: 'open', ratePerSec, total: Math.max(TOTAL, ratePerSec * 3) })) };
    process.stderr.write(`  ${kind}, open loop at half that (${ratePerSec} runs/s): p50 ${halfLoad.p50StartToCompleteMs} ms, p95 ${halfLoad.p95StartToCompleteMs} ms, ${halfLoad.platformCpuMsPerRun ?? '?'} ms CPU per run\n`);
    const unloaded = await measureLedgerline(platform, store, fixture, RUNS + 1, { kind: 'closed', concurrency: 1, total: UNLOADED_RUNS });
    process.stderr.write(`  ${kind}, one run at a time: p50 ${unloaded.p50StartToCompleteMs} ms, p95 ${unloaded.p95StartToCompleteMs} ms\n`);
    return { ...loaded, halfLoad, unloaded, platform: statedSettings(platform.env) };
  } finally {
    await store.close();
    await platform.stop();
    await database?.drop();
  }
}

interface OverheadDetail {
  /** 1 - variant / plain runs/s, round by round. */
  perRound: number[];
  /** 1 - the median of those ratios. */
  pairedMedian: number;
  /** 1 - median variant runs/s / median plain runs/s (the figure up to session 17). */
  ofMedians: number;
  /** Variant / plain platform CPU per run over all the rounds, minus 1. */
  platformCpu?: number;
  /** Variant / plain platform CPU per run, minus 1, round by round. */
  platformCpuPerRound?: number[];
}

interface Overheads {
  plain: Measured & { rounds: Measured[] };
  variants: Record<string, Measured & { rounds: Measured[]; overhead: OverheadDetail }>;
  /** 1 - variant runs/s / plain runs/s over all the rounds: the share of throughput the feature costs. */
  overheads: Record<string, number>;
}

/**
 * What a feature costs a run: the plain tenant's rounds and each variant's tenant's rounds on one
 * embedded platform, taken in turn (the order rotating each round), so the VM's drift over the
 * minutes they take weighs on all of them alike.
 */
async function measureOverheads(fixture: FixtureServer, variants: Record<string, Variant>): Promise<Overheads> {
  const platform = await Platform.start({});
  const store = SqliteEventStore.open({ path: join(platform.dataDir, 'events.db') });
  const all: Record<string, Variant> = { plain: plain(fixture, `${TENANT}-plain`), ...variants };
  const rounds: Record<string, Measured[]> = Object.fromEntries(Object.keys(all).map((name) => [name, []]));
  try {
    const names = Object.keys(all);
    for (const name of names) await measureLedgerline(platform, store, fixture, 0, { kind: 'closed', concurrency: CONCURRENCY, total: OVERHEAD_WARM_UP }, all[name]);
    // Whole rotations: each tenant as often in each place of the order.
    const measuredRounds = Math.ceil(OVERHEAD_ROUNDS / names.length) * names.length;
    for (let round = 1; round <= measuredRounds; round++) {
      const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
      for (const name of order) rounds[name]!.push(await measureLedgerline(platform, store, fixture, round, { kind: 'closed', concurrency: CONCURRENCY, total: OVERHEAD_TOTAL }, all[name]));
    }
    // Not a figure of a feature that did not run: every shadowed run was compared, once.
    if (all['shadow']) {
      let compared = 0;
      for await (const batch of store.readAll({ tenantId: all['shadow'].tenant })) compared += batch.filter((event) => comparisonIn(event) !== undefined).length;
      const runs = rounds['shadow']!.length * OVERHEAD_TOTAL + OVERHEAD_WARM_UP;
      if (compared !== runs) throw new Error(`${compared} shadow comparisons for ${runs} runs`);
    }
  } finally {
    await store.close();
    await platform.stop();
  }
  const summaries = Object.fromEntries(Object.entries(rounds).map(([name, measured]) => [name, summarise(`overhead rounds, ${name}`, measured)]));
  const { plain: plainSummary, ...variantSummaries } = summaries;
  // Over all the rounds: the variant's runs/s over the plain tenant's, each from its total time
  // (the rounds have as many runs each), and CPU per run likewise. Not a median of the rounds'
  // pairs: the platform's periodic costs (an A/A control shows them: a second plain tenant
  // measured as a variant) fall on every other round of the sequence, so the pairs alternate
  // high and low, and only the whole rotation, the order turning each round, is balanced.
  const round3 = (x: number): number => Math.round(x * 1000) / 1000;
  const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
  const secondsPerRun = (name: string): number => sum(rounds[name]!.map((measured) => 1 / measured.runsPerSec));
  const cpuPerRun = (name: string): number | undefined => (rounds[name]!.every((measured) => measured.platformCpuMsPerRun !== undefined) ? sum(rounds[name]!.map((measured) => measured.platformCpuMsPerRun!)) : undefined);
  const paired = (name: string, figure: (m: Measured) => number | undefined): number[] =>
    rounds[name]!.map((measured, k) => (figure(measured) ?? NaN) / (figure(rounds['plain']![k]!) ?? NaN)).filter((ratio) => Number.isFinite(ratio));
  const overheads = Object.fromEntries(Object.keys(variantSummaries).map((name) => [name, round3(1 - secondsPerRun('plain') / secondsPerRun(name))]));
  const details = Object.fromEntries(Object.entries(variantSummaries).map(([name, measured]): [string, OverheadDetail] => {
    const [plainCpu, variantCpu] = [cpuPerRun('plain'), cpuPerRun(name)];
    return [name, {
      perRound: paired(name, (m) => m.runsPerSec).map((ratio) => round3(1 - ratio)),
      pairedMedian: round3(1 - median(paired(name, (m) => m.runsPerSec))),
      ofMedians: round3(1 - measured.runsPerSec / plainSummary!.runsPerSec),
      ...(plainCpu !== undefined && variantCpu !== undefined && { platformCpu: round3(variantCpu / plainCpu - 1), platformCpuPerRound: paired(name, (m) => m.platformCpuMsPerRun).map((ratio) => round3(ratio - 1)) }),
    }];
  }));
  for (const [name, overhead] of Object.entries(overheads)) {
    const detail = details[name]!;
    process.stderr.write(`  ${name}: ${(overhead * 100).toFixed(1)} % fewer runs/s than plain runs over the rounds (goal at most 15 %); per round ${detail.perRound.join(' ')}; median of those ${detail.pairedMedian}, of the medians ${detail.ofMedians}${detail.platformCpu === undefined ? '' : `; platform CPU per run +${(detail.platformCpu * 100).toFixed(1)} % (per round ${detail.platformCpuPerRound!.join(' ')})`}\n`);
  }
  return { plain: plainSummary!, variants: Object.fromEntries(Object.entries(variantSummaries).map(([name, measured]) => [name, { ...measured, overhead: details[name]! }])), overheads };
}

interface Grown extends Measured {
  rounds: Measured[];
  seededRuns: number;
  seededEvents: number;
  seedSeconds: number;
  readySeconds: number;
}

/** The loaded rounds again, on SQLite, with GROWN_RUNS finished runs of the tenant already in the store and its views. */
async function measureGrown(fixture: FixtureServer): Promise<Grown> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-runs-grown-'));
  process.stderr.write(`seeding ${GROWN_RUNS.toLocaleString('en-US')} finished runs of tenant ${TENANT} in ${dataDir}\n`);
  const seed = await seedTenant(dataDir, TENANT, { runs: GROWN_RUNS, days: 30, inFlight: 64, finishedOnly: true });
  process.stderr.write(`seeded ${seed.events.toLocaleString('en-US')} events in ${seed.seconds.toFixed(1)} s; runs ${JSON.stringify(seed.byOutcome)}\n`);
  // The embedded platform builds its views from the log on its first start and answers /readyz once they caught up.
  const readyStarted = performance.now();
  const platform = await Platform.start({}, dataDir);
  const readySeconds = (performance.now() - readyStarted) / 1000;
  process.stderr.write(`the platform ready on the grown store in ${readySeconds.toFixed(1)} s (its views built from the log: ${formatRate(seed.events / readySeconds)} events/s)\n`);
  const store = SqliteEventStore.open({ path: join(dataDir, 'events.db') });
  try {
    const grown = await loadedRounds(`sqlite with ${GROWN_RUNS.toLocaleString('en-US')} finished runs`, platform, store, fixture);
    return { ...grown, seededRuns: seed.runs, seededEvents: seed.events, seedSeconds: seed.seconds, readySeconds };
  } finally {
    await store.close();
    await platform.stop();
  }
}

async function main(): Promise<void> {
  process.stderr.write(`runs benchmark: ${TOTAL} two-step runs per round from ${CONCURRENCY} concurrent starters, median of ${RUNS} rounds\n`);
  const fixture = await startFixtureServer();
  try {
    if (ONLY === 'overheads') {
      const overheads = await measureOverheads(fixture, Object.fromEntries(Object.entries(overheadVariants(fixture)).filter(([name]) => VARIANTS.has(name))));
      for (const [name, overhead] of Object.entries(overheads.overheads)) console.log(`${name}: ${(overhead * 100).toFixed(1)} % fewer runs/s than plain runs in the same rounds (goal at most 15 %); nothing written`);
      return;
    }
    const baselineRounds: Measured[] = [];
    for (let round = 0; round < RUNS; round++) baselineRounds.push(await measureBaseline(fixture, round));
    const baseline = summarise('baseline (direct downstream calls)', baselineRounds);
    const sqlite = await measureStore('sqlite', fixture);
    const postgres = process.env.DATABASE_URL && STORES.has('postgres') ? await measureStore('postgres', fixture) : undefined;
    const overheads = await measureOverheads(fixture, overheadVariants(fixture));
    const grown = GROWN_RUNS > 0 ? await measureGrown(fixture) : undefined;
    writeResults('bench/results/runs.json', {
      benchmark: 'runs', measuredAt: new Date().toISOString(), machine: machine(),
      settings: {
        runsPerRound: TOTAL, concurrentStarters: CONCURRENCY, rounds: RUNS, unloadedRuns: UNLOADED_RUNS, halfLoad: 'open loop at half the median loaded runs/s, max(runsPerRound, 3 s of runs)', stores: [...STORES], automation: 'two connector calls, durable appends, embedded saga',
        platform: { sqlite: sqlite.platform, postgres: postgres?.platform }, platformNodeArgs: process.env.BENCH_NODE_ARGS ?? '',
      },
      runsPerSec: sqlite.runsPerSec,
      p95StartToCompleteMs: sqlite.p95StartToCompleteMs,
      unloadedP95StartToCompleteMs: sqlite.unloaded.p95StartToCompleteMs,
      halfLoadP95StartToCompleteMs: sqlite.halfLoad.p95StartToCompleteMs,
      sqlite: { ...sqlite, platform: undefined }, postgres: postgres && { ...postgres, platform: undefined }, baseline,
      sqliteToBaseline: sqlite.runsPerSec / baseline.runsPerSec,
      postgresToSqlite: postgres && postgres.runsPerSec / sqlite.runsPerSec,
      policyOverhead: overheads.overheads['policies'],
      shadowOverhead: overheads.overheads['shadow'],
      overheadRounds: { rounds: overheads.plain.rounds.length, runsPerRound: OVERHEAD_TOTAL, policies: `${POLICY_COUNT} policies in enforce mode, none forbidding`, shadow: 'a shadow version (more retries, same requests) compared with every run', control: 'a second plain tenant: the noise floor (its overhead should be 0)', plain: overheads.plain, ...overheads.variants },
      grownSqlite: grown && { ...grown, finishedRunsInStore: GROWN_RUNS },
      grownToEmptySqlite: grown && grown.runsPerSec / sqlite.runsPerSec,
    });
    const row = ({ rounds: _rounds, platform: _platform, ...figures }: Measured & { rounds: Measured[]; unloaded?: Measured; halfLoad?: Measured & { ratePerSec: number }; platform?: StatedSettings }) => ({
      ...figures,
      halfLoad: figures.halfLoad && `${figures.halfLoad.ratePerSec}/s: p50 ${figures.halfLoad.p50StartToCompleteMs} / p95 ${figures.halfLoad.p95StartToCompleteMs} ms`,
      unloaded: figures.unloaded && `p50 ${figures.unloaded.p50StartToCompleteMs} / p95 ${figures.unloaded.p95StartToCompleteMs} ms`,
    });
    console.table({ baseline: row(baseline), sqlite: row(sqlite), ...(postgres && { postgres: row(postgres) }), ...(grown && { [`sqlite, ${GROWN_RUNS.toLocaleString('en-US')} runs in`]: row({ rounds: grown.rounds, runsPerSec: grown.runsPerSec, p50StartToCompleteMs: grown.p50StartToCompleteMs, p95StartToCompleteMs: grown.p95StartToCompleteMs, platformCpuMsPerRun: grown.platformCpuMsPerRun }) }) });
    for (const [name, overhead] of Object.entries(overheads.overheads)) console.log(`${name}: ${(overhead * 100).toFixed(1)} % fewer runs/s than plain runs in the same rounds (goal at most 15 %)`);
    if (grown) console.log(`with ${GROWN_RUNS.toLocaleString('en-US')} finished runs in the store: ${formatRate(grown.runsPerSec)} runs/s, ${(grown.runsPerSec / sqlite.runsPerSec).toFixed(2)} of the empty store's (goal 0.9)`);
    console.log(`runs/s (sqlite) ${formatRate(sqlite.runsPerSec)}, p95 start-to-complete ${sqlite.p95StartToCompleteMs} ms; written to bench/results/runs.json`);
  } finally {
    await fixture.close();
  }
}

await runBench('runs', main);
