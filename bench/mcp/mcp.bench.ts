// MCP benchmark: tools/call throughput and latency of Ledgerline's memory_put (a durable append on
// the embedded SQLite store) against three baselines measured in the same run, at concurrency 1,
// 16 and 64: the bare SDK echo server in its fastest correct stateless mode (a pool of idle
// servers, a new transport per request), the same in the SDK's documented mode (a new server per
// request), and a raw node:http JSON-RPC echo (the physical limit: HTTP and JSON alone). Every
// server runs as its own process; this process is the load generator (raw HTTP with keep-alive, as
// the SDK client itself is the bottleneck at high concurrency), the same one for every row. Runs
// are interleaved (each round measures every server at every concurrency), so that the shared
// machine's noise falls on every row alike. memory_put runs twice on the one platform: with a dev
// issuer token (HS256) and with a token from the built-in authorization server (ES256 at+jwt,
// its grant checked against the revocation feed on every call), got through sign-in and consent. The first failed call ends the bench (exit 1).
// Usage: npm run bench:mcp. BENCH_SECONDS and BENCH_RUNS shorten or lengthen it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { LocalAccounts, openIdentityStore } from '#identity';
import { authorize, exchangeCode, registerClient } from '../../test/support/oauth-flow.js';
import { freePort, waitForHttp } from '../../test/support/processes.js';
import { LIFTED_LIMITS, runBench, statedSettings } from '../support/bench-settings.js';
import { formatRate, machine, median, writeResults } from '../support/bench-utils.js';
import { load, percentile, type LoadRun } from './mcp-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = [1, 16, 64];
const SERVERS = ['raw-http-echo', 'sdk-echo-pooled', 'sdk-echo-per-request', 'ledgerline-memory-put', 'ledgerline-memory-put-oauth'] as const;
type ServerName = (typeof SERVERS)[number];

interface Row {
  server: ServerName;
  concurrency: number;
  callsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  runs: number[];
}

/** A server under load: its port, the headers and the tools/call body it gets. */
interface Target {
  port: number;
  headers: Record<string, string>;
  body: (worker: number, i: number) => string;
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

function summarise(server: ServerName, concurrency: number, runs: LoadRun[]): Row {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const row: Row = {
    server, concurrency,
    callsPerSec: median(runs.map((run) => run.rate)),
    p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), p99Ms: percentile(latencies, 99),
    runs: runs.map((run) => run.rate),
  };
  process.stderr.write(`  ${server} c=${concurrency}: ${formatRate(row.callsPerSec)} calls/s (runs ${row.runs.map(formatRate).join(', ')}), p50 ${row.p50Ms.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms, p99 ${row.p99Ms.toFixed(1)} ms\n`);
  return row;
}

async function main(): Promise<void> {
  const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-mcp-'));
  const children: ChildProcess[] = [];
  try {
    process.stderr.write(`mcp benchmark: ${SECONDS}s per run, median of ${RUNS} interleaved runs\n`);
    const echo = (w: number, i: number): string => call(i, 'echo', { text: `hello ${w}-${i}` });
    const targets = {} as Record<ServerName, Target>;
    for (const [server, script, mode] of [['raw-http-echo', 'raw-echo-server.js'], ['sdk-echo-pooled', 'echo-server.js', 'pooled'], ['sdk-echo-per-request', 'echo-server.js', 'per-request']] as const) {
      const port = await freePort();
      children.push(await startProcess([`dist/bench/mcp/${script}`, String(port), ...(mode ? [mode] : [])], {}, `http://127.0.0.1:${port}/ready`));
      targets[server] = { port, headers: base, body: echo };
    }

    // The platform as the bench needs it: one tenant drives the whole load, so the per-tenant call
    // rate (50/s by default) is lifted; everything else is the default an operator gets.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // memory:write tokens live 15 min by default: an hour keeps the bench's token valid throughout.
    const platformEnv = { LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_SCOPE_LIFETIMES: 'memory:write=3600/86400', ...LIFTED_LIMITS };
    children.push(await startProcess(['dist/apps/platform/src/main.js'], platformEnv, `${url}/readyz`));
    const token = DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` }).mint({ tenantId: 'bench', userId: 'bench-user', scopes: ['memory:write'], ttlSeconds: 3600 });
    let puts = 0;
    let loads = 0;
    // Every put is a real append (the value always changes) to a namespace stream of at most 200
    // events: namespaces are never reused across runs, since a namespace's stream grows with every put.
    targets['ledgerline-memory-put'] = {
      port, headers: { ...base, authorization: `Bearer ${token}` },
      body: (w, i) => call(puts++, 'memory_put', { namespace: `b${loads}-${w}-${Math.floor(i / 200)}`, key: `k${i % 200}`, value: { i, at: puts } }),
    };
    const oauthToken = await authorizationServerToken(url, dataDir);
    targets['ledgerline-memory-put-oauth'] = {
      port, headers: { ...base, authorization: `Bearer ${oauthToken}` },
      body: (w, i) => call(puts++, 'memory_put', { namespace: `o${loads}-${w}-${Math.floor(i / 200)}`, key: `k${i % 200}`, value: { i, at: puts } }),
    };
    const measure = (server: ServerName, concurrency: number): Promise<LoadRun> => {
      loads += 1;
      const target = targets[server];
      return load(SECONDS, target.port, target.headers, concurrency, target.body);
    };

    for (const server of SERVERS) await measure(server, 16); // warm up
    const runs = new Map<string, LoadRun[]>();
    for (let round = 0; round < RUNS; round++) {
      for (const concurrency of CONCURRENCY) {
        for (const server of SERVERS) {
          const key = `${server}@${concurrency}`;
          runs.set(key, [...(runs.get(key) ?? []), await measure(server, concurrency)]);
        }
      }
    }
    const rows = SERVERS.flatMap((server) => CONCURRENCY.map((concurrency) => summarise(server, concurrency, runs.get(`${server}@${concurrency}`)!)));

    const rate = (server: ServerName, concurrency: number): number => rows.find((r) => r.server === server && r.concurrency === concurrency)!.callsPerSec;
    const ratiosAt = (concurrency: number) => ({
      memoryPutToPooledSdkEcho: rate('ledgerline-memory-put', concurrency) / rate('sdk-echo-pooled', concurrency),
      memoryPutToPerRequestSdkEcho: rate('ledgerline-memory-put', concurrency) / rate('sdk-echo-per-request', concurrency),
      memoryPutToRawHttp: rate('ledgerline-memory-put', concurrency) / rate('raw-http-echo', concurrency),
      pooledSdkEchoToRawHttp: rate('sdk-echo-pooled', concurrency) / rate('raw-http-echo', concurrency),
      perRequestToPooledSdkEcho: rate('sdk-echo-per-request', concurrency) / rate('sdk-echo-pooled', concurrency),
      oauthTokenToDevToken: rate('ledgerline-memory-put-oauth', concurrency) / rate('ledgerline-memory-put', concurrency),
    });
    const ratios = Object.fromEntries(CONCURRENCY.map((concurrency) => [`c${concurrency}`, ratiosAt(concurrency)]));
    writeResults('bench/results/mcp.json', {
      benchmark: 'mcp', measuredAt: new Date().toISOString(), machine: machine(),
      settings: {
        secondsPerRun: SECONDS, runs: RUNS, concurrency: CONCURRENCY, order: 'interleaved: each round measures every server at every concurrency',
        loadGenerator: 'this process: node:http keep-alive Agent, one socket per loop (at the raw row it is itself the limit)',
        servers: {
          'raw-http-echo': 'node:http, JSON.parse of the body, a fixed JSON-RPC result',
          'sdk-echo-pooled': '@modelcontextprotocol/sdk McpServer with an echo tool, stateless: a pool of idle servers, a new transport per request',
          'sdk-echo-per-request': 'the same, a new McpServer + transport per request (the SDK\'s documented stateless pattern)',
          'ledgerline-memory-put': 'the platform (dist/apps/platform/src/main.js), memory_put on the embedded SQLite store (synchronous=FULL), dev issuer token (HS256)',
          'ledgerline-memory-put-oauth': 'the same platform and tool, a token from its authorization server (ES256 at+jwt with a grant id, checked against the revocation feed on every call)',
        },
        platform: statedSettings(platformEnv),
      },
      rows, ratios, memoryPutToPooledSdkEchoAt16: ratios.c16!.memoryPutToPooledSdkEcho,
    });
    console.table(rows.map(({ runs: _runs, ...row }) => ({ ...row, callsPerSec: Math.round(row.callsPerSec), p50Ms: row.p50Ms.toFixed(1), p95Ms: row.p95Ms.toFixed(1), p99Ms: row.p99Ms.toFixed(1) })));
    console.table(Object.fromEntries(Object.entries(ratios).map(([at, r]) => [at, Object.fromEntries(Object.entries(r).map(([name, value]) => [name, value.toFixed(3)]))])));
    console.log(`memory_put / pooled SDK echo at concurrency 16 = ${ratios.c16!.memoryPutToPooledSdkEcho.toFixed(2)}; authorization-server token / dev token = ${ratios.c16!.oauthTokenToDevToken.toFixed(2)}; written to bench/results/mcp.json`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A person signs in and consents (headless), as an MCP client would have them: the bench's second token. */
async function authorizationServerToken(url: string, dataDir: string): Promise<string> {
  const password = 'bench password, long enough';
  const identity = await openIdentityStore({ kind: 'sqlite', dataDir });
  try {
    await new LocalAccounts(identity.accounts).add('bench', 'bench-user', password);
  } finally {
    await identity.close();
  }
  const client = await registerClient(url);
  const { code, verifier } = await authorize(url, { clientId: client.client_id, scope: 'memory:write', tenant: 'bench', username: 'bench-user', password });
  const token = await exchangeCode(url, client.client_id, code, verifier);
  if (!token.body.access_token) throw new Error(`no token from the authorization server: ${JSON.stringify(token.body)}`);
  return token.body.access_token;
}

await runBench('mcp', main);
