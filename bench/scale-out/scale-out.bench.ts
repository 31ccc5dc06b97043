// Scale-out benchmark: end-to-end runs/s with one API process and 1, then 2, Kafka-fed workers on
// one PostgreSQL, and events/s through the outbox relay (PostgreSQL log -> Kafka), against a
// baseline measured in the same run: the same messages produced straight to Kafka.
// Usage: npm run bench:scale-out (starts PostgreSQL and Kafka itself). BENCH_RUNS, BENCH_TOTAL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { DevIssuer } from '#auth';
import { encodeEvent, encodeViewEvent, OutboxRelay, parseBrokers, viewsTopicOf } from '#bus';
import { KafkaEventPublisher } from '#bus/nest';
import { PostgresEventStore, type RecordedEvent } from '#event-store';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { startFixtureServer, type FixtureServer } from '../../test/support/fixture-server.js';
import { startPlatform, WORKER_MAIN, type PlatformProcess } from '../../test/support/platform-process.js';
import { startNoisyAgent } from '../../test/support/noisy-process.js';
import { freePort } from '../../test/support/processes.js';
import { LIFTED_LIMITS, runBench, statedSettings, type StatedSettings } from '../support/bench-settings.js';
import { formatRate, machine, median, writeResults } from '../support/bench-utils.js';
import { drive, mcpCaller, percentile, runIdOf, waitForCompletions } from '../support/run-load.js';

const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 200);
const CONCURRENCY = 16;
const TENANTS = 4;
const RELAY_EVENTS = 20_000;

const automation = {
  name: 'two_steps', title: 'Two steps', description: 'Reserve, then confirm.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: ['reserve', 'confirm'].map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{run.id}}` } })),
};

/** The API process's environment as the JSON states it: startPlatform's own defaults, then ours (workers: the same, without the role). */
function statedApiSettings(common: Record<string, string>): StatedSettings {
  return statedSettings({ LEDGERLINE_EGRESS_PRIVATE_NETWORKS: '127.0.0.1/32', LEDGERLINE_SHUTDOWN_TIMEOUT_MS: '3000', ...common, LEDGERLINE_ROLE: 'api', LEDGERLINE_PORT: '0' });
}

function brokers(): string[] {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: run with `npm run bench:scale-out`, which starts Kafka');
  return parseBrokers(process.env.KAFKA_BROKERS);
}

/** One API process and `workers` workers on a fresh database and topic; runs/s of `TOTAL` two-step runs from 4 tenants, median of rounds. */
async function measureRuns(workers: number, fixture: FixtureServer): Promise<{ runsPerSec: number; rounds: number[]; platform: StatedSettings }> {
  const database = await createTestDatabase('ll_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-scale-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const common = {
    DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '8', LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64'), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PUBLIC_URL: url,
    KAFKA_BROKERS: brokers().join(','), LEDGERLINE_KAFKA_TOPIC: `ledgerline.bench-${randomBytes(4).toString('hex')}`, LEDGERLINE_KAFKA_PARTITIONS: '12',
    // Throughput is the point here, not the per-tenant protections: their limits are lifted.
    ...LIFTED_LIMITS,
  };
  const processes: PlatformProcess[] = [];
  const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
  try {
    for (let w = 0; w < workers; w++) processes.push(await startPlatform(common, WORKER_MAIN));
    processes.push(await startPlatform({ ...common, LEDGERLINE_ROLE: 'api', LEDGERLINE_PORT: String(port) }));
    const issuer = DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` });
    const callers = Array.from({ length: TENANTS }, (_, t) =>
      mcpCaller(`${url}/mcp`, issuer.mint({ tenantId: `t${t}`, userId: 'bench', scopes: ['connectors:admin', 'automations:admin', 'automation:two_steps'], ttlSeconds: 3600 }), CONCURRENCY));
    for (const caller of callers) {
      await caller.call('connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 10000, burst: 10000 } } });
      await caller.call('automation_publish', { definition: automation });
    }
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const after = await store.headPosition();
      const began = Date.now();
      await drive(TOTAL, CONCURRENCY, async (n) => void runIdOf(await callers[n % TENANTS]!.call('two_steps', { n })));
      const completed = await waitForCompletions(store, after, TOTAL);
      rounds.push(TOTAL / ((Math.max(...completed.values()) - began) / 1000));
    }
    for (const caller of callers) caller.close();
    const runsPerSec = median(rounds);
    process.stderr.write(`  ${workers} worker(s): ${formatRate(runsPerSec)} runs/s (rounds: ${rounds.map(formatRate).join(', ')})\n`);
    return { runsPerSec, rounds, platform: statedApiSettings(common) };
  } finally {
    for (const process of processes) await process.stop();
    await store.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The noisy neighbour: a quiet tenant starts a run every 250 ms, alone and while a noisy tenant
 * offers ten times that (its excess refused at the front door, 6 starts/s per tenant and tool);
 * the quiet tenant's p95 start-to-complete latency in both (120 runs each, in interleaved windows
 * of 60), one API process, 2 workers.
 */
interface NoisyNeighbour {
  quietSoloP95Ms: number;
  quietBesideNoisyP95Ms: number;
  ratio: number;
  noisyCalls: number;
  noisyRefused: number;
  platform: StatedSettings;
}

async function measureNoisyNeighbour(fixture: FixtureServer): Promise<NoisyNeighbour> {
  const database = await createTestDatabase('ll_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-noisy-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const common = {
    DATABASE_URL: database.url, LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64'), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PUBLIC_URL: url,
    KAFKA_BROKERS: brokers().join(','), LEDGERLINE_KAFKA_TOPIC: `ledgerline.bench-${randomBytes(4).toString('hex')}`, LEDGERLINE_KAFKA_PARTITIONS: '8',
    LEDGERLINE_TOOL_RATE_PER_SEC: '6', LEDGERLINE_TOOL_RATE_BURST: '6', LEDGERLINE_RUN_CONCURRENCY_PER_TENANT: '4',
  };
  const processes: PlatformProcess[] = [];
  const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
  try {
    for (let w = 0; w < 2; w++) processes.push(await startPlatform(common, WORKER_MAIN));
    processes.push(await startPlatform({ ...common, LEDGERLINE_ROLE: 'api', LEDGERLINE_PORT: String(port) }));
    const issuer = DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` });
    const [quiet, noisy] = ['quiet', 'noisy'].map((tenantId) => mcpCaller(`${url}/mcp`, issuer.mint({ tenantId, userId: 'bench', scopes: ['connectors:admin', 'automations:admin', 'automation:two_steps'], ttlSeconds: 3600 }), 8));
    for (const caller of [quiet!, noisy!]) {
      await caller.call('connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 10000, burst: 10000 } } });
      await caller.call('automation_publish', { definition: automation });
    }
    noisy!.close();
    const quietLatencies = async (runs: number): Promise<number[]> => {
      const after = await store.headPosition();
      const started = new Map<string, number>();
      for (let n = 0; n < runs; n++) {
        const at = Date.now();
        started.set(`quiet/${runIdOf(await quiet!.call('two_steps', { n }))}`, at);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const completed = await waitForCompletions(store, after, runs, 'quiet');
      return [...started].map(([key, at]) => completed.get(key)! - at);
    };
    // The noisy tenant's agent is a process of its own (test/support/noisy-agent.ts), as in test/noisy-tenant.
    const noisyToken = issuer.mint({ tenantId: 'noisy', userId: 'bench', scopes: ['automation:two_steps'], ttlSeconds: 3600 });
    const noise = { calls: 0, refused: 0 };
    const besideNoise = async (runs: number): Promise<number[]> => {
      const agent = await startNoisyAgent(`${url}/mcp`, noisyToken, 'two_steps', 4, 100);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const latencies = await quietLatencies(runs);
      const report = await agent.stop();
      // Its excess is meant to be refused at the front door, by the rate limit and nothing else.
      const other = report.refused.find((refusal) => refusal.code !== 'tool.rate_limited');
      if (other) throw new Error(`the noisy tenant was refused with ${other.code}, not only tool.rate_limited`);
      noise.calls += report.calls;
      noise.refused += report.refused.length;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return latencies;
    };
    await quietLatencies(20);
    // Windows interleaved (alone, beside, alone, beside): neither side gets only the cold or the warm part.
    const alone = await quietLatencies(60);
    const beside = await besideNoise(60);
    alone.push(...await quietLatencies(60));
    beside.push(...await besideNoise(60));
    const [solo, loaded] = [alone, beside].map((latencies) => percentile([...latencies].sort((a, b) => a - b), 95)) as [number, number];
    quiet!.close();
    process.stderr.write(`  noisy neighbour: quiet tenant p95 ${solo} ms alone, ${loaded} ms beside a tenant offering 10x (ratio ${(loaded / solo).toFixed(2)}); noisy tenant ${noise.refused} of ${noise.calls} calls refused\n`);
    return { quietSoloP95Ms: solo, quietBesideNoisyP95Ms: loaded, ratio: loaded / solo, noisyCalls: noise.calls, noisyRefused: noise.refused, platform: statedApiSettings(common) };
  } finally {
    for (const process of processes) await process.stop();
    await store.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The relay over a log of RELAY_EVENTS events (to the events and the views topic), and the same messages produced straight to Kafka. */
async function measureRelay(): Promise<{ relayEventsPerSec: number; directProduceEventsPerSec: number }> {
  const database = await createTestDatabase('ll_bench');
  const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 8 });
  try {
    await drive(RELAY_EVENTS / 10, 32, async (n) => void (await store.append(`t${n % 8}`, `run-${n}`, 'no-stream', Array.from({ length: 10 }, (_, i) => ({ type: 'Happened', data: { n, i, pad: 'x'.repeat(200) } })))));
    const relayed: number[] = [];
    const direct: number[] = [];
    let log: RecordedEvent[] = [];
    for await (const batch of store.readAll()) log = log.concat(batch);
    for (let round = 0; round < ROUNDS; round++) {
      const topic = `ledgerline.bench-relay-${randomBytes(4).toString('hex')}`;
      const publisher = await KafkaEventPublisher.connect({ brokers: brokers(), clientId: 'bench', eventsTopic: topic, eventsPartitions: 12 });
      const relay = new OutboxRelay(store, publisher, { checkpoint: `bench:${topic}` });
      const t0 = performance.now();
      await relay.catchUp();
      relayed.push(RELAY_EVENTS / ((performance.now() - t0) / 1000));
      await publisher.close();

      const kafka = new Kafka({ clientId: 'bench', brokers: brokers(), logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const t1 = performance.now();
      // The same messages as the relay's: each batch to the events topic and the views topic, in one request.
      for (let i = 0; i < log.length; i += 500) {
        const batch = log.slice(i, i + 500);
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: batch.map(encodeEvent) }, { topic: viewsTopicOf(topic), messages: batch.map(encodeViewEvent) }] });
      }
      direct.push(RELAY_EVENTS / ((performance.now() - t1) / 1000));
      await producer.disconnect();
    }
    process.stderr.write(`  relay: ${formatRate(median(relayed))} events/s; direct produce: ${formatRate(median(direct))} events/s\n`);
    return { relayEventsPerSec: median(relayed), directProduceEventsPerSec: median(direct) };
  } finally {
    await store.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  process.stderr.write(`scale-out benchmark: ${TOTAL} two-step runs per round from ${TENANTS} tenants and ${CONCURRENCY} starters, median of ${ROUNDS} rounds; relay over ${RELAY_EVENTS} events\n`);
  const fixture = await startFixtureServer();
  try {
    const one = await measureRuns(1, fixture);
    const two = await measureRuns(2, fixture);
    const relay = await measureRelay();
    const neighbour = await measureNoisyNeighbour(fixture);
    writeResults('bench/results/scale-out.json', {
      benchmark: 'scale-out', measuredAt: new Date().toISOString(), machine: machine(),
      settings: {
        runsPerRound: TOTAL, tenants: TENANTS, concurrentStarters: CONCURRENCY, rounds: ROUNDS, relayEvents: RELAY_EVENTS, topology: '1 API process, N workers, PostgreSQL, Kafka (one broker), all on this machine',
        platform: { runs: one.platform, noisyNeighbour: neighbour.platform },
      },
      workers1RunsPerSec: one.runsPerSec, workers2RunsPerSec: two.runsPerSec, relayEventsPerSec: relay.relayEventsPerSec,
      directProduceEventsPerSec: relay.directProduceEventsPerSec, relayToDirect: relay.relayEventsPerSec / relay.directProduceEventsPerSec,
      rounds: { workers1: one.rounds, workers2: two.rounds },
      noisyNeighbour: { ...neighbour, platform: undefined },
    });
    console.table({ '1 worker': { runsPerSec: Math.round(one.runsPerSec) }, '2 workers': { runsPerSec: Math.round(two.runsPerSec) } });
    console.log(`relay ${formatRate(relay.relayEventsPerSec)} events/s (direct produce ${formatRate(relay.directProduceEventsPerSec)}); written to bench/results/scale-out.json`);
  } finally {
    await fixture.close();
  }
}

await runBench('scale-out', main);
