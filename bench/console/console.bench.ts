// Console benchmark, on the embedded SQLite store: one tenant with BENCH_SEED_RUNS (100,000) runs
// and about ten events each (~1,000,000) written straight into the log, then the built platform
// started on it (its views catch up from the log: timed), a person signed in to the console over
// HTTP (sign-in and consent, no browser), and the pages read as a browser would: the runs list
// (first page, and filtered by status and automation), a run's page (a timeline of 10 events), the
// audit trail (first page, and one person's), each also as the REST calls alone, beside /healthz,
// interleaved round-robin, BENCH_REQUESTS (300) each, one at a time and then 4 at once.
// Usage: npm run bench:console. BENCH_SEED_RUNS, BENCH_REQUESTS, BENCH_KEEP=1 keeps the data directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { startPlatform } from '../../test/support/platform-process.js';
import { freePort } from '../../test/support/processes.js';
import { runBench, statedSettings } from '../support/bench-settings.js';
import { formatRate, machine, writeResults } from '../support/bench-utils.js';
import { signInToConsole } from './console-sign-in.js';
import { measureTargets, type Latency, type Target } from './page-latency.js';
import { RARE_STARTER, TENANT_ADMIN } from './run-plans.js';
import { seedTenant, type SeededTenant } from './seed-tenant.js';

const SEED_RUNS = Number(process.env.BENCH_SEED_RUNS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const WARM_UP = 10;
const CONCURRENCY = [1, 4] as const;
const GOAL_P95_MS = 200;
const TENANT = 'bench';
const FILTERED_AUTOMATION = 'refund';
const PASSWORD = 'bench password, long enough';

/** The built CLI as an operator runs it, on the bench's data directory. */
function cli(dataDir: string, args: string[], stdin = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', ...args], { env: { PATH: process.env.PATH, LEDGERLINE_DATA_DIR: dataDir }, stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ledgerline ${args.join(' ')} exited with ${code}`))));
    child.stdin.end(stdin);
  });
}

/** Until every view has applied the whole log (GET /v1/admin/projections: lag 0). */
async function viewsCaughtUp(url: string, adminToken: string): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const response = await fetch(`${url}/v1/admin/projections`, { headers: { authorization: `Bearer ${adminToken}` } });
    if (!response.ok) throw new Error(`GET /v1/admin/projections answered ${response.status}: ${await response.text()}`);
    const { projections } = (await response.json()) as { projections: Array<{ name: string; checkpoint: number | null; lag: number }> };
    if (projections.length > 0 && projections.every((view) => view.checkpoint !== null && view.lag === 0)) return;
    if (Date.now() > deadline) throw new Error(`the views did not catch up: ${JSON.stringify(projections)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function targetsOf(seed: SeededTenant, cookie: string, token: string): Target[] {
  const page = { headers: { cookie, accept: 'text/html' } };
  const api = { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } };
  const run = encodeURIComponent(seed.timelineRunId);
  return [
    { name: 'runs page', paths: ['/console/runs?all=1'], expect: 'Runs, newest first', ...page },
    { name: 'runs page, failed of one automation', paths: [`/console/runs?all=1&status=failed&automation=${FILTERED_AUTOMATION}`], expect: 'Runs, newest first', ...page },
    { name: "a run's page (10 events)", paths: [`/console/runs/${run}`], expect: 'Raw event #10', ...page },
    { name: 'audit page', paths: ['/console/audit'], expect: 'Audit entries', ...page },
    { name: `audit page, one person (${RARE_STARTER})`, paths: [`/console/audit?user=${RARE_STARTER}`], expect: 'Audit entries', ...page },
    { name: 'API: runs', paths: ['/v1/runs?allUsers=true&limit=25'], expect: '"runs":[{', ...api },
    { name: 'API: runs, failed of one automation', paths: [`/v1/runs?status=failed&automation=${FILTERED_AUTOMATION}&allUsers=true&limit=25`], expect: '"runs":[{', ...api },
    { name: "API: a run and its events", paths: [`/v1/runs/${run}`, `/v1/runs/${run}/events?limit=500`], expect: seed.timelineRunId, ...api },
    { name: 'API: audit', paths: ['/v1/audit?order=desc&limit=25'], expect: '"entries":[{', ...api },
    { name: `API: audit, one person (${RARE_STARTER})`, paths: [`/v1/audit?userId=${RARE_STARTER}&order=desc&limit=25`], expect: '"entries":[{', ...api },
    { name: '/healthz (baseline)', paths: ['/healthz'], expect: '"ok"', headers: {} },
  ];
}

function printTable(measured: Record<number, Record<string, Latency>>): void {
  const healthz = (c: number): number => measured[c]!['/healthz (baseline)']!.p95Ms;
  console.table(Object.fromEntries(Object.keys(measured[1]!).map((name) => [name, Object.fromEntries(CONCURRENCY.flatMap((c) => {
    const { p50Ms, p95Ms, p99Ms } = measured[c]![name]!;
    return [[`c=${c} p50/p95/p99 ms`, `${p50Ms} / ${p95Ms} / ${p99Ms}`], [`c=${c} p95 / healthz`, (p95Ms / healthz(c)).toFixed(1)]];
  }))])));
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-console-'));
  try {
    console.log(`seeding tenant ${TENANT}: ${SEED_RUNS.toLocaleString('en-US')} runs in ${dataDir}`);
    const seed = await seedTenant(dataDir, TENANT, { runs: SEED_RUNS, days: 14, inFlight: 16 });
    console.log(`seeded ${seed.events.toLocaleString('en-US')} events in ${seed.seconds.toFixed(1)} s (${formatRate(seed.events / seed.seconds)} events/s); runs ${JSON.stringify(seed.byOutcome)}`);
    await cli(dataDir, ['tenants', 'create', TENANT, '--name', 'Console bench']);
    await cli(dataDir, ['users', 'add', TENANT_ADMIN, '--tenant', TENANT, '--password-stdin'], `${PASSWORD}\n`);

    const env = { LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PORT: String(await freePort()), LEDGERLINE_EGRESS_PRIVATE_NETWORKS: '127.0.0.1/32', LEDGERLINE_SHUTDOWN_TIMEOUT_MS: '3000' };
    const starting = performance.now();
    // The embedded platform listens once its views have caught up with the log: /readyz times the catch-up.
    const platform = await startPlatform(env, undefined, { readyWithinMs: 30 * 60_000 });
    try {
      const readySeconds = (performance.now() - starting) / 1000;
      const issuer = DevIssuer.openOrCreate(dataDir, { issuer: platform.url, audience: `${platform.url}/mcp` });
      await viewsCaughtUp(platform.url, issuer.mint({ tenantId: TENANT, userId: 'operator', scopes: ['platform:admin'], ttlSeconds: 3600 }));
      const catchUpSeconds = (performance.now() - starting) / 1000;
      console.log(`platform ready (/readyz) in ${readySeconds.toFixed(1)} s from its start, views caught up with the log in ${catchUpSeconds.toFixed(1)} s (${formatRate(seed.events / catchUpSeconds)} events/s)`);
      const token = issuer.mint({ tenantId: TENANT, userId: TENANT_ADMIN, scopes: ['runs:read', 'runs:admin', 'audit:read'], ttlSeconds: 3600 });
      const newest = (await (await fetch(`${platform.url}/v1/runs?allUsers=true&limit=1`, { headers: { authorization: `Bearer ${token}` } })).json()) as { runs: Array<{ runId: string }> };
      if (newest.runs[0]?.runId !== seed.newestRunId) throw new Error(`the runs list does not begin with the newest seeded run ${seed.newestRunId}: ${JSON.stringify(newest)}`);

      const cookie = await signInToConsole(platform.url, { tenant: TENANT, username: TENANT_ADMIN, password: PASSWORD });
      const targets = targetsOf(seed, cookie, token);
      await measureTargets(platform.url, targets, WARM_UP, 1);
      const measured: Record<number, Record<string, Latency>> = {};
      for (const concurrency of CONCURRENCY) measured[concurrency] = await measureTargets(platform.url, targets, REQUESTS, concurrency);
      printTable(measured);

      const headline = measured[4]!;
      const p95 = (name: string): number => headline[name]!.p95Ms;
      const pages = targets.filter((target) => target.paths[0]!.startsWith('/console')).map((target) => target.name);
      const goalMet = CONCURRENCY.every((c) => pages.every((name) => measured[c]![name]!.p95Ms < GOAL_P95_MS));
      writeResults('bench/results/console.json', {
        benchmark: 'console', measuredAt: new Date().toISOString(), machine: machine(), store: 'sqlite',
        settings: {
          seedRuns: SEED_RUNS, requestsPerTarget: REQUESTS, warmUpPerTarget: WARM_UP, concurrency: CONCURRENCY, headline: 'concurrency 4', goalP95Ms: GOAL_P95_MS,
          targets: targets.map(({ name, paths }) => ({ name, paths })), platform: statedSettings(env),
        },
        runsPageP95Ms: p95('runs page'),
        runPageP95Ms: p95("a run's page (10 events)"),
        auditPageP95Ms: p95('audit page'),
        healthzP95Ms: p95('/healthz (baseline)'),
        goalMet,
        seed: { tenant: TENANT, runs: seed.runs, events: seed.events, byOutcome: seed.byOutcome, seconds: seed.seconds, timelineRunId: seed.timelineRunId },
        catchUp: { readySeconds, viewsCaughtUpSeconds: catchUpSeconds, eventsPerSec: seed.events / catchUpSeconds },
        sequential: measured[1], concurrent4: measured[4],
      });
      console.log(`p95 at concurrency 4: runs page ${p95('runs page')} ms, a run's page ${p95("a run's page (10 events)")} ms, audit page ${p95('audit page')} ms, /healthz ${p95('/healthz (baseline)')} ms; every page under ${GOAL_P95_MS} ms at c=1 and c=4: ${goalMet ? 'yes' : 'NO'}; written to bench/results/console.json`);
    } finally {
      await platform.stop();
    }
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  }
}

await runBench('console', main);
