import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf, type ToolError } from './support/mcp-session.js';
import { startCluster, type Cluster } from './support/cluster.js';

const QUIET_RUNS = 20;
const QUIET_EVERY_MS = 250;

const automation = {
  name: 'two_calls', title: 'Two calls', description: 'Two effects downstream.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: ['first', 'second'].map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{run.id}}` } })),
};

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
}

/**
 * Fairness across processes: a quiet tenant starts runs at a steady pace, alone and then while a
 * noisy tenant offers ten times its load. The noisy tenant's excess is refused at the front door
 * (its own per-tool rate, with a retry-after) and waits for its share of the workers' run slots;
 * the quiet tenant is never refused and all its runs complete. How much the noise still moves the
 * quiet tenant's p95 latency is a performance figure: bench/scale-out measures it (on a shared
 * 2-core machine every process competes for the same CPU, so it is no pass/fail line here).
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

  it('refuses the noisy tenant\'s excess and never the quiet tenant, whose runs all complete', async () => {
    const { store, issuer } = cluster;
    const agentOf = async (tenantId: string): Promise<Client> => {
      const client = await connect(cluster.api, issuer.mint({ tenantId, userId: 'agent', scopes: ['connectors:admin', 'automations:admin', 'automation:two_calls'], ttlSeconds: 3600 }));
      await callOk(client, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 1000, burst: 1000 } } });
      await callOk(client, 'automation_publish', { definition: automation });
      return client;
    };
    const quiet = await agentOf('quiet');
    const noisy = await agentOf('noisy');

    /** Starts QUIET_RUNS runs at a steady pace and returns their start-to-complete latencies. */
    const quietLatencies = async (): Promise<number[]> => {
      const started: Array<{ runId: string; at: number }> = [];
      for (let n = 0; n < QUIET_RUNS; n++) {
        const at = Date.now();
        started.push({ runId: (await callOk<{ runId: string }>(quiet, 'two_calls', { n })).runId, at });
        await new Promise((resolve) => setTimeout(resolve, QUIET_EVERY_MS));
      }
      return Promise.all(started.map(async ({ runId, at }) => {
        for (;;) {
          const last = (await store.readStream('quiet', runId, { direction: 'backward', limit: 1 }))[0];
          if (last?.type === 'RunCompleted') return Date.parse(last.recordedAt) - at;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }));
    };

    await quietLatencies(); // warm up: connections, the consumer group's first assignment, the JIT
    const solo = p95(await quietLatencies());

    // Ten times the quiet tenant's pace, from 4 loops that retry what the front door refuses.
    let stop = false;
    let refused = 0;
    const refusals: ToolError[] = [];
    const noise = Promise.all(Array.from({ length: 4 }, async (_, loop) => {
      for (let n = 0; !stop; n++) {
        const result = await noisy.callTool({ name: 'two_calls', arguments: { n: loop * 100_000 + n } });
        if (result.isError) {
          refused++;
          refusals.push(errorOf(result));
        }
        await new Promise((resolve) => setTimeout(resolve, (QUIET_EVERY_MS * 4) / 10));
      }
    }));
    const loaded = p95(await quietLatencies());
    stop = true;
    await noise;
    process.stderr.write(`quiet tenant p95: solo ${solo} ms, beside the noisy tenant ${loaded} ms; noisy calls refused at the front door: ${refused}\n`);
    expect(refused).toBeGreaterThan(0);
    expect(refusals.every((error) => error.code === 'tool.rate_limited' && Number(error.details?.retryAfterMs) > 0)).toBe(true);
    // Every quiet start was accepted (callOk throws otherwise) and every quiet run completed.
    expect([solo, loaded].every((value) => Number.isFinite(value))).toBe(true);
    await Promise.all([quiet.close(), noisy.close()]);
  }, 180_000);
});
