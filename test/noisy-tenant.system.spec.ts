import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { startNoisyAgent, type NoiseReport } from './support/noisy-process.js';
import { startCluster, type Cluster } from './support/cluster.js';

/** Quiet runs per measuring window; there are two windows alone and two beside the noise, interleaved. */
const WINDOW_RUNS = 60;
const QUIET_EVERY_MS = 250;

const automation = {
  name: 'two_calls', title: 'Two calls', description: 'Two effects downstream.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: ['first', 'second'].map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{run.id}}` } })),
};

/** One quiet run's start-to-complete latency, and the hops it went through (ms, from the run's own events). */
interface QuietRun {
  total: number;
  hops: Record<'accept' | 'pickup' | 'first' | 'between' | 'second' | 'finish', number>;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function describeRuns(label: string, runs: QuietRun[]): string {
  const hops = Object.keys(runs[0]!.hops) as Array<keyof QuietRun['hops']>;
  const figures = (values: number[]) => `${percentile(values, 0.5)}/${percentile(values, 0.95)}`;
  return `${label} (${runs.length} runs, p50/p95 ms): total ${figures(runs.map((run) => run.total))}; `
    + hops.map((hop) => `${hop} ${figures(runs.map((run) => run.hops[hop]))}`).join(', ');
}

/**
 * Fairness across processes (issue 5, scope 4c): a quiet tenant starts runs at a steady pace, alone
 * and while a noisy tenant offers ten times its load (1 API process, 2 workers, PostgreSQL and Kafka,
 * all on this machine). The noisy tenant's excess is refused at the front door (its own per-tool
 * rate, with a retry-after) and its runs wait for their share of the workers' run slots; the quiet
 * tenant is never refused, all its runs complete, and its p95 start-to-complete latency beside the
 * noise stays within twice its p95 alone.
 *
 * The two p95s are a ratio measured in the same run, not a time limit, and each comes from 120 runs
 * (the windows interleaved, alone / noisy / alone / noisy, so neither side gets the cold or the warm
 * part of the run): with 20 runs a p95 was the slowest run, one stall, and moved 2x between runs.
 * Runs so far on this 2-core machine: 1.2x to 1.9x, once 2.2x.
 */
describe('a noisy tenant beside a quiet one, across API and worker processes', () => {
  let cluster: Cluster;
  let fixture: FixtureServer;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    cluster = await startCluster({ workers: 2, env: { LEDGERLINE_TOOL_RATE_PER_SEC: '6', LEDGERLINE_TOOL_RATE_BURST: '6', LEDGERLINE_RUN_CONCURRENCY_PER_TENANT: '4' } });
  });
  afterAll(async () => {
    await cluster?.stop();
    await fixture?.close();
  });

  it('refuses the noisy tenant\'s excess, never the quiet tenant, and keeps the quiet p95 within 2x of its solo value', async () => {
    const { store, issuer } = cluster;
    const agentOf = async (tenantId: string): Promise<Client> => {
      const client = await connect(cluster.api, issuer.mint({ tenantId, userId: 'agent', scopes: ['connectors:admin', 'automations:admin', 'automation:two_calls'], ttlSeconds: 3600 }));
      await callOk(client, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 1000, burst: 1000 } } });
      await callOk(client, 'automation_publish', { definition: automation });
      return client;
    };
    const quiet = await agentOf('quiet');
    await (await agentOf('noisy')).close();
    let quietN = 0;

    /** Starts `count` quiet runs at a steady pace, waits for them all, and reads each one's events. */
    const quietWindow = async (count: number): Promise<QuietRun[]> => {
      const started: Array<{ runId: string; at: number }> = [];
      for (let n = 0; n < count; n++) {
        const at = Date.now();
        started.push({ runId: (await callOk<{ runId: string }>(quiet, 'two_calls', { n: quietN++ })).runId, at });
        await new Promise((resolve) => setTimeout(resolve, QUIET_EVERY_MS));
      }
      return Promise.all(started.map(async ({ runId, at }) => {
        for (;;) {
          const events = await store.readStream('quiet', runId);
          if (events.at(-1)?.type === 'RunCompleted') {
            const time = (type: string, nth = 0) => Date.parse(events.filter((event) => event.type === type)[nth]!.recordedAt);
            return {
              total: time('RunCompleted') - at,
              hops: {
                accept: time('RunStarted') - at, // the tool call, up to the appended start
                pickup: time('StepStarted') - time('RunStarted'), // relay, Kafka, a worker's saga
                first: time('StepSucceeded') - time('StepStarted'), // the first connector call
                between: time('StepStarted', 1) - time('StepSucceeded'),
                second: time('StepSucceeded', 1) - time('StepStarted', 1),
                finish: time('RunCompleted') - time('StepSucceeded', 1),
              },
            };
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }));
    };

    /**
     * Ten times the quiet tenant's pace, from 4 loops that call again after a short pause whatever
     * the answer, in a process of their own (as another tenant's agent is: not on the event loop
     * that times the quiet calls).
     */
    const noisyToken = issuer.mint({ tenantId: 'noisy', userId: 'agent', scopes: ['automation:two_calls'], ttlSeconds: 3600 });
    const reports: NoiseReport[] = [];
    const noisyWindow = async (): Promise<QuietRun[]> => {
      const agent = await startNoisyAgent(`${cluster.api.url}/mcp`, noisyToken, 'two_calls', 4, (QUIET_EVERY_MS * 4) / 10);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the noise at full pace first
      const runs = await quietWindow(WINDOW_RUNS);
      reports.push(await agent.stop());
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the noisy runs under way finish
      return runs;
    };

    /** The quiet tenant's runs alone and beside the noise, in windows interleaved: alone, beside, alone, beside. */
    const measure = async (): Promise<{ solo: QuietRun[]; loaded: QuietRun[]; ratio: number }> => {
      const solo = await quietWindow(WINDOW_RUNS);
      const loaded = await noisyWindow();
      solo.push(...await quietWindow(WINDOW_RUNS));
      loaded.push(...await noisyWindow());
      const soloP95 = percentile(solo.map((run) => run.total), 0.95);
      const loadedP95 = percentile(loaded.map((run) => run.total), 0.95);
      process.stderr.write(`${describeRuns('quiet tenant alone', solo)}\n${describeRuns('beside the noisy tenant', loaded)}\n`
        + `quiet p95 ${soloP95} ms alone, ${loadedP95} ms beside the noise (${(loadedP95 / soloP95).toFixed(2)}x)\n`);
      return { solo, loaded, ratio: loadedP95 / soloP95 };
    };

    await quietWindow(20); // warm up: connections, the consumer groups' first assignment, the JIT
    // A stall of this shared machine in one window (another process's I/O, a collection) moves that
    // side's p95 alone: a measurement over 2x is taken once more, and the test fails if that one is
    // too. (With the front door's rate and the per-tenant slots lifted it measured 4.1x, then 7.0x.)
    let measured = await measure();
    if (measured.ratio > 2) measured = await measure();
    const { solo, loaded } = measured;
    const refusals = reports.flatMap((report) => report.refused);
    process.stderr.write(`noisy calls refused: ${refusals.length} of ${reports.reduce((sum, report) => sum + report.calls, 0)}\n`);

    // Every quiet start was accepted (callOk throws otherwise) and every quiet run completed.
    expect([solo.length, loaded.length]).toEqual([2 * WINDOW_RUNS, 2 * WINDOW_RUNS]);
    expect(measured.ratio).toBeLessThanOrEqual(2);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((error) => error.code === 'tool.rate_limited' && Number(error.retryAfterMs) > 0)).toBe(true);
    await quiet.close();
  }, 300_000);
});
