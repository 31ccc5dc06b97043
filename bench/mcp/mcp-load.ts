// The load generator of bench:mcp: `concurrency` loops POSTing tools/call bodies back to back over
// keep-alive HTTP for a number of seconds. The first failed call (not a 200, a JSON-RPC error, or a
// tool error) stops every loop and rejects: a bench that counted refusals as calls would measure
// the refusal path.
import { Agent, request } from 'node:http';

export interface LoadRun {
  rate: number;
  latencies: number[];
}

/** One tools/call: resolves with the response's text, rejects when it is not a successful call. */
export function post(agent: Agent, port: number, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 && text.includes('"result":') && !text.includes('"isError":true') ? resolve(text) : reject(new Error(`call failed on port ${port}: ${res.statusCode} ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function load(seconds: number, port: number, headers: Record<string, string>, concurrency: number, body: (worker: number, i: number) => string): Promise<LoadRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let failed = false;
  try {
    await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; !failed && performance.now() < deadline; i++) {
        const t0 = performance.now();
        await post(agent, port, headers, body(worker, i)).catch((error: unknown) => {
          failed = true;
          throw error;
        });
        latencies.push(performance.now() - t0);
      }
    }));
  } finally {
    agent.destroy();
  }
  return { rate: latencies.length / ((performance.now() - started) / 1000), latencies };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
