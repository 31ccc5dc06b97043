// Load test: sustained mixed MCP traffic from BENCH_TENANTS (50) tenants for BENCH_SECONDS (300) against
// the platform on the embedded store (BENCH_STORE=postgres for PostgreSQL), over keep-alive HTTP from
// BENCH_CONCURRENCY (32) loops: 40% memory_get, 20% memory_list, 30% memory_put, 10% run starts (a
// one-call automation against a fixture downstream). The first failed call ends it (exit 1; a
// memory_get of a key not written yet is an answer). Reports calls/s, p50/p95/p99, the
// platform's memory every 5 s (RSS, and the V8 heap from its /metrics; with BENCH_HEAP_SNAPSHOTS its
// live heap after the warm-up and at the end: not rising = no leak), and afterwards checks that every acknowledged write (each
// put's stream version, each started run) is in the log. Baseline, same run: GET /healthz at the same
// concurrency for 10 s (the HTTP stack alone). Usage: npm run bench:load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { startFixtureServer } from '../../test/support/fixture-server.js';
import { freePort, waitForHttp } from '../../test/support/processes.js';
import { seededRandom } from '../../test/support/seeded-random.js';
import { LIFTED_LIMITS, LOOPBACK_EGRESS, runBench, statedSettings } from '../support/bench-settings.js';
import { formatRate, machine, writeResults } from '../support/bench-utils.js';
import { mcpCaller, percentile, runIdOf } from '../support/run-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 300);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STORE = process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'sqlite';
const ping = {
  name: 'ping', title: 'Ping', description: 'One call downstream.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: [{ id: 'ping', type: 'call', connector: 'downstream', request: { method: 'POST', path: '/ping/{{input.n}}' } }],
};

interface Acked {
  puts: Array<{ tenant: string; stream: string; version: number }>;
  runs: Array<{ tenant: string; runId: string }>;
}

function rssMbOf(pid: number, field = 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : Number.NaN;
}

/** Where the platform's memory is: RSS (anonymous / file-backed) from /proc, the V8 heap and external memory from its /metrics. */
interface MemorySample {
  atSec: number;
  rssMb: number;
  rssAnonMb: number;
  rssFileMb: number;
  heapUsedMb?: number;
  heapTotalMb?: number;
  externalMb?: number;
}

async function memorySample(pid: number, metricsUrl: string, atSec: number): Promise<MemorySample> {
  const sample: MemorySample = { atSec, rssMb: rssMbOf(pid), rssAnonMb: rssMbOf(pid, 'RssAnon'), rssFileMb: rssMbOf(pid, 'RssFile') };
  const text = await fetch(metricsUrl).then((response) => response.text(), () => '');
  const metric = (name: string): number | undefined => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return match ? Math.round((Number(match[1]) / 1048576) * 10) / 10 : undefined;
  };
  sample.heapUsedMb = metric('ledgerline_nodejs_heap_size_used_bytes');
  sample.heapTotalMb = metric('ledgerline_nodejs_heap_size_total_bytes');
  sample.externalMb = metric('ledgerline_nodejs_external_memory_bytes');
  return sample;
}

/**
 * Asks the platform for a heap snapshot (SIGUSR2; V8 collects garbage first) and sums the self sizes
 * of its nodes once the file is complete: the live JS heap, in MB.
 */
async function liveHeapMb(platform: ChildProcess, dir: string): Promise<number> {
  const before = new Set(readdirSync(dir));
  platform.kill('SIGUSR2');
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file) continue;
    try {
      const snapshot = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
      const fields = snapshot.snapshot.meta.node_fields;
      const selfSize = fields.indexOf('self_size');
      let bytes = 0;
      for (let i = selfSize; i < snapshot.nodes.length; i += fields.length) bytes += snapshot.nodes[i]!;
      return Math.round((bytes / 1048576) * 10) / 10;
    } catch {
      // still being written
    }
  }
}

function get(agent: Agent, url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode)))));
    });
    req.on('error', reject);
    req.end();
  });
}


async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-load-'));
  const fixture = await startFixtureServer();
  const database = STORE === 'postgres' ? await createTestDatabase('ll_load') : undefined;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_HEAP_SNAPSHOTS=<dir>: heap snapshots of the platform at BENCH_SNAPSHOT_AT s (60) and at the end (a snapshot
  // collects garbage first, so its size is the live heap), kept in <dir> to compare by constructor. Off by
  // default: writing a snapshot costs the platform ~200 MB of RSS from then on, which the RSS series would show.
  const SNAPSHOTS = process.env.BENCH_HEAP_SNAPSHOTS;
  // The load is the point here, not the per-tenant protections: their limits are lifted (see LIFTED_LIMITS).
  const platformEnv: Record<string, string> = {
    LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_LOG_LEVEL: 'warn', ...LIFTED_LIMITS, ...LOOPBACK_EGRESS,
    ...(database ? { DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '10' } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, [...(SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOTS}`] : []), 'dist/apps/platform/src/main.js'], {
    env: { PATH: process.env.PATH, ...platformEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let store: EventStore | undefined;
  try {
    await waitForHttp(`${url}/readyz`, 30_000);
    const issuer = DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` });
    const scopes = ['memory:read', 'memory:write', 'connectors:admin', 'automations:admin', 'automation:ping'];
    const callers = Array.from({ length: TENANTS }, (_, t) => mcpCaller(`${url}/mcp`, issuer.mint({ tenantId: `load-${t}`, userId: `user-${t}`, scopes, ttlSeconds: 7200 }), Math.ceil(CONCURRENCY / 4) + 1));
    for (const caller of callers) {
      await caller.call('connector_register', { name: 'downstream', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 10000, burst: 10000 } } });
      await caller.call('automation_publish', { definition: ping });
    }

    // Baseline: the HTTP stack alone.
    const healthAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let healthCalls = 0;
    const healthEnd = Date.now() + 10_000;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < healthEnd) {
        await get(healthAgent, new URL(`${url}/healthz`));
        healthCalls++;
      }
    }));
    healthAgent.destroy();
    const healthzPerSec = healthCalls / 10;
    console.log(`baseline GET /healthz: ${formatRate(healthzPerSec)} calls/s`);

    const acked: Acked = { puts: [], runs: [] };
    const latencies: number[] = [];
    const counts = { get: 0, list: 0, put: 0, start: 0 };
    let failed = false; // the first failure ends every loop
    let sequence = 0;
    const rss: MemorySample[] = [];
    const began = Date.now();
    const sample = async (): Promise<void> => void rss.push(await memorySample(child.pid!, `${url}/metrics`, Math.round((Date.now() - began) / 1000)));
    const sampler = setInterval(() => void sample(), 5000);
    const warmSnapshot = Number(process.env.BENCH_SNAPSHOT_AT ?? Math.min(60, SECONDS / 2)) * 1000;
    let liveHeapStart: Promise<number> | undefined;
    const warmTimer = SNAPSHOTS ? setTimeout(() => (liveHeapStart = liveHeapMb(child, SNAPSHOTS)), warmSnapshot) : undefined;
    const end = began + SECONDS * 1000;
    console.log(`load: ${TENANTS} tenants, ${CONCURRENCY} loops, ${SECONDS} s on ${STORE}`);
    await Promise.all(Array.from({ length: CONCURRENCY }, async (_, loop) => {
      const next = seededRandom(loop + 1); // the same draws every run, so runs compare
      while (!failed && Date.now() < end) {
        const t = Math.floor(next() * TENANTS);
        const caller = callers[t]!;
        const n = ++sequence;
        const dice = next();
        const t0 = performance.now();
        try {
          if (dice < 0.4) {
            counts.get++;
            await caller.call('memory_get', { namespace: 'load', key: `k${n % 50}` }).catch((error: Error) => {
              if (!error.message.includes('memory.not_found')) throw error; // a key not written yet: an answer, not an error
            });
          } else if (dice < 0.6) {
            counts.list++;
            await caller.call('memory_list', { namespace: 'load' });
          } else if (dice < 0.9) {
            counts.put++;
            const text = await caller.call('memory_put', { namespace: 'load', key: `k${n % 50}`, value: { n, at: Date.now() } });
            const version = Number(/"streamVersion":(\d+)/.exec(text)?.[1]);
            acked.puts.push({ tenant: `load-${t}`, stream: `memory:user:user-${t}:load`, version });
          } else {
            counts.start++;
            const text = await caller.call('ping', { n });
            acked.runs.push({ tenant: `load-${t}`, runId: runIdOf(text) });
          }
          latencies.push(performance.now() - t0);
        } catch (error) {
          failed = true;
          clearInterval(sampler);
          clearTimeout(warmTimer);
          throw error;
        }
      }
    }));
    clearInterval(sampler);
    clearTimeout(warmTimer);
    const durationSec = (Date.now() - began) / 1000;
    await sample();
    const liveHeapStartMb = await liveHeapStart;
    const liveHeapEndMb = SNAPSHOTS ? await liveHeapMb(child, SNAPSHOTS) : undefined;
    for (const caller of callers) caller.close();

    // Every acknowledged write must be in the log.
    store = database ? await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 }) : SqliteEventStore.open({ path: join(dataDir, 'events.db') });
    const present = new Set<string>();
    for await (const batch of store.readAll({ batchSize: 2000 })) {
      for (const event of batch) {
        if (event.type === 'MemoryItemPut') present.add(`${event.tenantId}|${event.streamId}|${event.streamVersion}`);
        if (event.type === 'RunStarted') present.add(`${event.tenantId}|${event.streamId}`);
      }
    }
    const lostWrites = acked.puts.filter((put) => !present.has(`${put.tenant}|${put.stream}|${put.version}`)).length
      + acked.runs.filter((run) => !present.has(`${run.tenant}|${run.runId}`)).length;

    latencies.sort((a, b) => a - b);
    const calls = latencies.length;
    const warm = rss.find((sample) => sample.atSec >= 30) ?? rss[0]!;
    // The V8 heap in use swings between garbage collections; its floor (the lowest sample of a window,
    // just after a major GC) is what a leak raises. First and last third of the run after the warm-up.
    const afterWarmUp = rss.filter((sample) => sample.atSec >= 30 && sample.heapUsedMb !== undefined);
    const third = Math.max(1, Math.floor(afterWarmUp.length / 3));
    const floorOf = (samples: MemorySample[]): number => Math.min(...samples.map((sample) => sample.heapUsedMb!));
    const result = {
      benchmark: 'load', at: new Date().toISOString(), machine: machine(), store: STORE, tenants: TENANTS, concurrency: CONCURRENCY,
      settings: {
        seconds: SECONDS, tenants: TENANTS, concurrency: CONCURRENCY, store: STORE, mix: '40% memory_get, 20% memory_list, 30% memory_put, 10% run starts (one connector call)',
        heapSnapshots: Boolean(SNAPSHOTS), platform: statedSettings(platformEnv), failsOn: 'the first failed call',
      },
      durationSec, callsPerSec: calls / durationSec, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), p99Ms: percentile(latencies, 99),
      lostWrites, ackedWrites: acked.puts.length + acked.runs.length, counts,
      rssStartMb: warm.rssMb, rssEndMb: rss[rss.length - 1]!.rssMb, rssMaxMb: Math.max(...rss.map((sample) => sample.rssMb)),
      heapFloorStartMb: floorOf(afterWarmUp.slice(0, third)), heapFloorEndMb: floorOf(afterWarmUp.slice(-third)),
      liveHeapStartMb, liveHeapEndMb, liveHeapStartAtSec: warmSnapshot / 1000, rss,
      baseline: { healthzPerSec, callsVsHealthz: calls / durationSec / healthzPerSec },
    };
    console.log(`${formatRate(result.callsPerSec)} calls/s for ${durationSec.toFixed(0)} s; p50 ${result.p50Ms.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms; no failed call`);
    console.log(`acknowledged writes ${result.ackedWrites}, lost ${lostWrites}; RSS ${result.rssStartMb} MB at 30 s -> ${result.rssEndMb} MB at the end (max ${result.rssMaxMb} MB)`);
    console.log(`V8 heap in use, lowest 5 s sample: ${result.heapFloorStartMb} MB in the first third -> ${result.heapFloorEndMb} MB in the last third`);
    if (SNAPSHOTS) console.log(`live heap (heap snapshot, after a full GC): ${liveHeapStartMb} MB at ${warmSnapshot / 1000} s -> ${liveHeapEndMb} MB at the end`);
    if (lostWrites > 0) throw new Error(`${lostWrites} of ${result.ackedWrites} acknowledged writes are not in the log`);
    writeResults('bench/results/load.json', result);
    console.log('wrote bench/results/load.json');
  } finally {
    await store?.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await fixture.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await runBench('load', main);
