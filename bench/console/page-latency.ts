import { Agent, request } from 'node:http';
import { drive, percentile } from '../support/run-load.js';

/** What one measured request reads: its GETs, one after another (a page, or the REST calls a page makes), each answer checked. */
export interface Target {
  name: string;
  paths: string[];
  headers: Record<string, string>;
  /** Text every answer's body must hold (the page's table, say): an empty page or an error page is a failure, not a figure. */
  expect: string;
}

export interface Latency {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Latencies of every target at `concurrency`, `each` requests per target, interleaved round-robin
 * (target 1, 2, … n, 1, 2, …) so that whatever else the machine does hits every target alike.
 * Rejects on the first answer that is not a 200 holding its expected text.
 */
export async function measureTargets(baseUrl: string, targets: readonly Target[], each: number, concurrency: number): Promise<Record<string, Latency>> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, timeout: 10_000 });
  const samples = targets.map((): number[] => []);
  try {
    await drive(each * targets.length, concurrency, async (n) => {
      const index = n % targets.length;
      const target = targets[index]!;
      const started = performance.now();
      for (const path of target.paths) {
        const { status, body } = await get(agent, new URL(path, baseUrl), target.headers);
        if (status !== 200 || !body.includes(target.expect)) throw new Error(`${target.name}: GET ${path} answered ${status} without "${target.expect}":\n${body.slice(0, 600)}`);
      }
      samples[index]!.push(performance.now() - started);
    });
  } finally {
    agent.destroy();
  }
  return Object.fromEntries(targets.map((target, index) => [target.name, summary(samples[index]!)]));
}

function summary(latencies: number[]): Latency {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return { requests: sorted.length, p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), p99Ms: round(percentile(sorted, 99)) };
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
