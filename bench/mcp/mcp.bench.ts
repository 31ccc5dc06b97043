// MCP benchmark: tools/call throughput and latency of Ledgerline's memory_put (a durable append on
// the embedded SQLite store) against a bare SDK echo server, at concurrency 1, 16 and 64, in one
// run. Both servers run as their own processes; this process is the load generator (raw HTTP with
// keep-alive, as the SDK client itself is the bottleneck at high concurrency).
// Usage: npm run bench:mcp. BENCH_SECONDS and BENCH_RUNS shorten or lengthen it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { freePort, waitForHttp } from '../../test/support/processes.js';
import { formatRate, machine, median, writeResults } from '../support/bench-utils.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = [1, 16, 64];

interface Row {
  server: 'echo' | 'ledgerline';
  concurrency: number;
  callsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  runs: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function post(agent: Agent, port: number, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 && !text.includes('"isError":true') ? resolve(res.statusCode) : reject(new Error(`${res.statusCode} ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let loadRuns = 0;

async function load(port: number, headers: Record<string, string>, concurrency: number, body: (worker: number, i: number) => string): Promise<{ rate: number; latencies: number[] }> {
  loadRuns += 1;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const t0 = performance.now();
      await post(agent, port, headers, body(worker, i));
      latencies.push(performance.now() - t0);
    }
  }));
  agent.destroy();
  return { rate: latencies.length / ((performance.now() - started) / 1000), latencies };
}

async function measure(server: Row['server'], port: number, headers: Record<string, string>, body: (worker: number, i: number) => string): Promise<Row[]> {
  const rows: Row[] = [];
  await load(port, headers, 16, body); // warm up
  for (const concurrency of CONCURRENCY) {
    const runs: Array<{ rate: number; latencies: number[] }> = [];
    for (let r = 0; r < RUNS; r++) runs.push(await load(port, headers, concurrency, body));
    const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
    const row: Row = {
      server, concurrency,
      callsPerSec: median(runs.map((run) => run.rate)),
      p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), p99Ms: percentile(latencies, 99),
      runs: runs.map((run) => run.rate),
    };
    process.stderr.write(`  ${server} c=${concurrency}: ${formatRate(row.callsPerSec)} calls/s, p50 ${row.p50Ms.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms, p99 ${row.p99Ms.toFixed(1)} ms\n`);
    rows.push(row);
  }
  return rows;
}

async function startProcess(args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForHttp(readyUrl, 30_000).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return child;
}

function call(id: number, name: string, args: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
}

async function main(): Promise<void> {
  const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-mcp-'));
  const echoPort = await freePort();
  const platformPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    process.stderr.write(`mcp benchmark: ${SECONDS}s per run, median of ${RUNS} runs\n`);
    children.push(await startProcess(['dist/bench/mcp/echo-server.js', String(echoPort)], {}, `http://127.0.0.1:${echoPort}/ready`));
    const echo = await measure('echo', echoPort, base, (w, i) => call(i, 'echo', { text: `hello ${w}-${i}` }));

    const url = `http://127.0.0.1:${platformPort}`;
    children.push(await startProcess(['dist/apps/platform/src/main.js'], { LEDGERLINE_PORT: String(platformPort), LEDGERLINE_DATA_DIR: dataDir }, `${url}/readyz`));
    const token = DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` }).mint({ tenantId: 'bench', userId: 'bench-user', scopes: ['memory:write'], ttlSeconds: 3600 });
    let call_ = 0;
    // Every put is a real append (the value always changes) to a namespace stream of at most 200
    // events: namespaces are never reused across runs, since a namespace's stream grows with every
    // put and each put reads it (views and snapshots are still to come; see README).
    const ledgerline = await measure('ledgerline', platformPort, { ...base, authorization: `Bearer ${token}` }, (w, i) =>
      call(call_++, 'memory_put', { namespace: `b${loadRuns}-${w}-${Math.floor(i / 200)}`, key: `k${i % 200}`, value: { i, at: call_ } }));

    const rows = [...echo, ...ledgerline];
    const at16 = (server: Row['server']) => rows.find((r) => r.server === server && r.concurrency === 16)!.callsPerSec;
    const ratio = at16('ledgerline') / at16('echo');
    writeResults('bench/results/mcp.json', {
      benchmark: 'mcp', measuredAt: new Date().toISOString(), machine: machine(),
      settings: { secondsPerRun: SECONDS, runs: RUNS, echoServer: 'bare SDK McpServer, new server + transport per request (stateless)', ledgerlineStore: 'sqlite, synchronous=FULL' },
      rows, ledgerlineToEchoAt16: ratio,
    });
    console.table(rows.map(({ runs: _runs, ...row }) => ({ ...row, callsPerSec: Math.round(row.callsPerSec), p50Ms: row.p50Ms.toFixed(1), p95Ms: row.p95Ms.toFixed(1), p99Ms: row.p99Ms.toFixed(1) })));
    console.log(`memory_put / echo at concurrency 16 = ${ratio.toFixed(2)}; written to bench/results/mcp.json`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
