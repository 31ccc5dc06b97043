// MCP benchmark: tools/call throughput and latency of Ledgerline's memory_put (a durable append on
// the embedded SQLite store) against baselines measured in the same run, at concurrency 1, 16 and
// 64: the bare SDK v1 echo server in its fastest correct stateless mode (a pool of idle servers, a
// new transport per request), the same in the SDK's documented mode (a new server per request),
// the bare SDK v2 echo on 2026-07-28 (createMcpHandler, mounted as the platform mounts it), and a
// raw node:http JSON-RPC echo (the physical limit: HTTP and JSON alone). Every server runs as its
// own process; this process is the load generator (raw HTTP with keep-alive, as the SDK client
// itself is the bottleneck at high concurrency), the same one for every row. Runs are interleaved
// (each round measures every server at every concurrency, every other round in reverse order), so
// that the shared machine's noise falls on every row alike. memory_put runs three times on the one platform: on 2025-11-25 with a
// dev issuer token (HS256), on 2026-07-28 with the same token (the request `_meta` envelope and the
// MCP-Protocol-Version / Mcp-Method / Mcp-Name headers, exactly as the v2 client sends them), and
// on 2025-11-25 with a token from the built-in authorization server (ES256 at+jwt, its grant
// checked against the revocation feed on every call), got through sign-in and consent.
// With BENCH_MCP_BASELINE_COMMIT=<commit> (e.g. 583d222, the last /mcp on the SDK v1), that commit
// is checked out into a temporary git worktree, built there and started as a second platform beside
// this one: its memory_put (2025-11-25, dev token) is one more interleaved row,
// ledgerline-memory-put-v1-endpoint, so that before and after are measured in the same run.
// The first failed call ends the bench (exit 1).
// Usage: npm run bench:mcp. BENCH_SECONDS and BENCH_RUNS shorten or lengthen it;
// BENCH_MCP_BASELINE_COMMIT=583d222 npm run bench:mcp adds the v1 endpoint's row; BENCH_MCP_ROWS and
// BENCH_MCP_CONCURRENCY (comma lists) measure only some rows or concurrencies (printed, not written);
// BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the platform under test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { LocalAccounts, openIdentityStore } from '#identity';
import { authorize, exchangeCode, registerClient } from '../../test/support/oauth-flow.js';
import { freePort, waitForHttp } from '../../test/support/processes.js';
import { buildBaseline, type BaselineBuild } from '../support/baseline-build.js';
import { LIFTED_LIMITS, runBench, statedSettings } from '../support/bench-settings.js';
import { formatRate, machine, median, writeResults } from '../support/bench-utils.js';
import { load, percentile, post, type LoadRun } from './mcp-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** BENCH_MCP_CONCURRENCY=16 (a comma list) measures only those concurrencies: quick iterations. */
const CONCURRENCY = process.env.BENCH_MCP_CONCURRENCY?.split(',').map(Number).filter((c) => c > 0) ?? [1, 16, 64];
/** BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the node of the platform under test (not the baselines'). */
const PLATFORM_NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
/** The commit whose platform is measured beside this one (unset: no such row). */
const BASELINE_COMMIT = process.env.BENCH_MCP_BASELINE_COMMIT?.trim() || undefined;
const SERVERS = [
  'raw-http-echo', 'sdk-echo-pooled', 'sdk-echo-per-request', 'sdk-v2-echo',
  'ledgerline-memory-put', 'ledgerline-memory-put-2026-07-28', 'ledgerline-memory-put-oauth', 'ledgerline-memory-put-v1-endpoint',
] as const;
type ServerName = (typeof SERVERS)[number];
/** The rows of this run: the v1 endpoint's only when a baseline commit is asked for. */
/** BENCH_MCP_ROWS=sdk-echo-pooled,ledgerline-memory-put (a comma list of row names) measures only those rows: quick iterations, not for the published figures. */
const ONLY_ROWS = process.env.BENCH_MCP_ROWS?.split(',').map((row) => row.trim()).filter(Boolean);
const servers: readonly ServerName[] = SERVERS.filter((server) => (server !== 'ledgerline-memory-put-v1-endpoint' || BASELINE_COMMIT !== undefined) && (ONLY_ROWS === undefined || ONLY_ROWS.includes(server)));

const LEGACY_REVISION = '2025-11-25';
const MODERN_REVISION = '2026-07-28';
/**
 * What the SDK v2 client (@modelcontextprotocol/client 2.4.0, versionNegotiation auto) puts in
 * every 2026-07-28 request's params._meta, as captured from it: the revision, clientInfo and
 * clientCapabilities (empty for a client that declares none).
 */
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN_REVISION,
  'io.modelcontextprotocol/clientInfo': { name: 'ledgerline-bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
} as const;

interface Row {
  server: ServerName;
  concurrency: number;
  callsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  runs: number[];
  /** CPU time (user + system) the server process spent per call, median of the runs: less sensitive to the other load on a shared machine than the rates. */
  serverCpuMsPerCall: number;
}

/** A server under load: its port, the headers and the tools/call body it gets. */
interface Target {
  port: number;
  headers: Record<string, string>;
  body: (worker: number, i: number) => string;
  /** The revision it is called on: a 2026-07-28 result says `"resultType":"complete"`, a 2025 one does not. */
  revision: typeof LEGACY_REVISION | typeof MODERN_REVISION;
}

/** The process serving each port: its CPU time is read around every load run. */
const serverPids = new Map<number, number>();

/** User + system CPU time of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function startProcess(args: string[], env: Record<string, string>, readyUrl: string, cwd = process.cwd()): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (child.pid !== undefined) serverPids.set(Number(new URL(readyUrl).port), child.pid);
  await waitForHttp(readyUrl, 30_000).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return child;
}

function call(id: number, name: string, args: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
}

/** A 2026-07-28 tools/call as the v2 client writes it (its key order too): the envelope in params._meta. */
function modernCall(id: number, name: string, args: unknown): string {
  return JSON.stringify({ method: 'tools/call', params: { name, arguments: args, _meta: ENVELOPE }, jsonrpc: '2.0', id });
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;
const legacyHeaders = (): Record<string, string> => ({ ...JSON_HEADERS, 'mcp-protocol-version': LEGACY_REVISION });
/** The v2 client's headers on a 2026-07-28 tools/call: the revision, the method and the tool's name. */
const modernHeaders = (tool: string): Record<string, string> => ({ ...JSON_HEADERS, 'mcp-protocol-version': MODERN_REVISION, 'mcp-method': 'tools/call', 'mcp-name': tool });

/** One call to each target before any load: each answers on the revision it is meant to (a row on the wrong path would measure the wrong thing). */
async function checkRevisions(targets: ReadonlyMap<ServerName, Target>): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  try {
    for (const [server, target] of targets) {
      const text = await post(agent, target.port, target.headers, target.body(0, 0));
      const modern = text.includes('"resultType":"complete"');
      if (modern !== (target.revision === MODERN_REVISION)) throw new Error(`${server} did not answer on ${target.revision}: ${text.slice(0, 300)}`);
    }
  } finally {
    agent.destroy();
  }
}

type MeasuredRun = LoadRun & { serverCpuMsPerCall: number };

function summarise(server: ServerName, concurrency: number, runs: MeasuredRun[]): Row {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const row: Row = {
    server, concurrency,
    callsPerSec: median(runs.map((run) => run.rate)),
    p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), p99Ms: percentile(latencies, 99),
    runs: runs.map((run) => run.rate),
    serverCpuMsPerCall: median(runs.map((run) => run.serverCpuMsPerCall)),
  };
  process.stderr.write(`  ${server} c=${concurrency}: ${formatRate(row.callsPerSec)} calls/s (runs ${row.runs.map(formatRate).join(', ')}), p50 ${row.p50Ms.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms, p99 ${row.p99Ms.toFixed(1)} ms, server CPU ${row.serverCpuMsPerCall.toFixed(3)} ms/call\n`);
  return row;
}

function printRows(rows: readonly Row[]): void {
  console.table(rows.map(({ runs: _runs, ...row }) => ({ ...row, callsPerSec: Math.round(row.callsPerSec), p50Ms: row.p50Ms.toFixed(1), p95Ms: row.p95Ms.toFixed(1), p99Ms: row.p99Ms.toFixed(1) })));
}

/** The platform's settings for the bench: one tenant drives the whole load, so the per-tenant call rate (50/s by default) is lifted; everything else is the default an operator gets. */
function platformEnvOf(port: number, dataDir: string): Record<string, string> {
  // memory:write tokens live 15 min by default: an hour keeps the bench's token valid throughout.
  return { LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_SCOPE_LIFETIMES: 'memory:write=3600/86400', ...LIFTED_LIMITS };
}

/** Starts a platform build (this checkout's, or a baseline's `dir`) on a new data directory: its URL, settings and a dev issuer token for memory:write. */
async function startPlatform(cwd: string, dataDir: string, children: ChildProcess[], nodeArgs: readonly string[] = []): Promise<{ port: number; url: string; env: Record<string, string>; token: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = platformEnvOf(port, dataDir);
  children.push(await startProcess([...nodeArgs, 'dist/apps/platform/src/main.js'], env, `${url}/readyz`, cwd));
  const token = DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` }).mint({ tenantId: 'bench', userId: 'bench-user', scopes: ['memory:write'], ttlSeconds: 3600 });
  return { port, url, env, token };
}

/** SIGTERM to each process this bench started, then waits (10 s at most, then SIGKILL) for it to exit. */
async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  })));
}

async function main(): Promise<void> {
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];
  let baseline: BaselineBuild | undefined;
  try {
    process.stderr.write(`mcp benchmark: ${SECONDS}s per run, median of ${RUNS} interleaved runs${BASELINE_COMMIT ? `, beside the platform of ${BASELINE_COMMIT}` : ''}\n`);
    if (BASELINE_COMMIT) {
      process.stderr.write(`building ${BASELINE_COMMIT} in a temporary git worktree\n`);
      baseline = buildBaseline(BASELINE_COMMIT);
      process.stderr.write(`built ${baseline.sha.slice(0, 7)} (${baseline.subject.slice(0, 80)}) in ${baseline.dir}\n`);
    }
    const targets = new Map<ServerName, Target>();
    const echo = (w: number, i: number): string => call(i, 'echo', { text: `hello ${w}-${i}` });
    for (const [server, script, mode] of [['raw-http-echo', 'raw-echo-server.js'], ['sdk-echo-pooled', 'echo-server.js', 'pooled'], ['sdk-echo-per-request', 'echo-server.js', 'per-request']] as const) {
      if (!servers.includes(server)) continue;
      const port = await freePort();
      children.push(await startProcess([`dist/bench/mcp/${script}`, String(port), ...(mode ? [mode] : [])], {}, `http://127.0.0.1:${port}/ready`));
      targets.set(server, { port, headers: legacyHeaders(), body: echo, revision: LEGACY_REVISION });
    }
    if (servers.includes('sdk-v2-echo')) {
      const v2EchoPort = await freePort();
      children.push(await startProcess(['dist/bench/mcp/sdk-v2-echo-server.js', String(v2EchoPort)], {}, `http://127.0.0.1:${v2EchoPort}/ready`));
      targets.set('sdk-v2-echo', { port: v2EchoPort, headers: modernHeaders('echo'), body: (w, i) => modernCall(i, 'echo', { text: `hello ${w}-${i}` }), revision: MODERN_REVISION });
    }

    const newDataDir = (): string => {
      const dir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-mcp-'));
      dataDirs.push(dir);
      return dir;
    };
    const dataDir = newDataDir();
    const platform = await startPlatform(process.cwd(), dataDir, children, PLATFORM_NODE_ARGS);
    let puts = 0;
    let loads = 0;
    // Every put is a real append (the value always changes) to a namespace stream of at most 200
    // events: namespaces are never reused across runs or rows, since a namespace's stream grows with every put.
    const putArgs = (prefix: string, w: number, i: number): unknown => ({ namespace: `${prefix}${loads}-${w}-${Math.floor(i / 200)}`, key: `k${i % 200}`, value: { i, at: puts } });
    targets.set('ledgerline-memory-put', {
      port: platform.port, headers: { ...legacyHeaders(), authorization: `Bearer ${platform.token}` }, revision: LEGACY_REVISION,
      body: (w, i) => call(puts++, 'memory_put', putArgs('b', w, i)),
    });
    targets.set('ledgerline-memory-put-2026-07-28', {
      port: platform.port, headers: { ...modernHeaders('memory_put'), authorization: `Bearer ${platform.token}` }, revision: MODERN_REVISION,
      body: (w, i) => modernCall(puts++, 'memory_put', putArgs('m', w, i)),
    });
    if (servers.includes('ledgerline-memory-put-oauth')) {
      const oauthToken = await authorizationServerToken(platform.url, dataDir);
      targets.set('ledgerline-memory-put-oauth', {
        port: platform.port, headers: { ...legacyHeaders(), authorization: `Bearer ${oauthToken}` }, revision: LEGACY_REVISION,
        body: (w, i) => call(puts++, 'memory_put', putArgs('o', w, i)),
      });
    }
    if (baseline) {
      const before = await startPlatform(baseline.dir, newDataDir(), children);
      targets.set('ledgerline-memory-put-v1-endpoint', {
        port: before.port, headers: { ...legacyHeaders(), authorization: `Bearer ${before.token}` }, revision: LEGACY_REVISION,
        body: (w, i) => call(puts++, 'memory_put', putArgs('v', w, i)),
      });
    }
    for (const server of [...targets.keys()]) if (!servers.includes(server)) targets.delete(server);
    await checkRevisions(targets);
    const measure = async (server: ServerName, concurrency: number): Promise<MeasuredRun> => {
      loads += 1;
      const target = targets.get(server)!;
      const pid = serverPids.get(target.port);
      const cpuBefore = cpuMsOf(pid);
      const run = await load(SECONDS, target.port, target.headers, concurrency, target.body);
      return { ...run, serverCpuMsPerCall: (cpuMsOf(pid) - cpuBefore) / run.latencies.length };
    };

    for (const server of servers) await measure(server, 16); // warm up
    const runs = new Map<string, MeasuredRun[]>();
    for (let round = 0; round < RUNS; round++) {
      // Every other round in reverse, so that no row always follows the same ones and meets their
      // after-effects each time (such as the write-back of another platform's durable puts).
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const concurrency of CONCURRENCY) {
        for (const server of order) {
          const key = `${server}@${concurrency}`;
          runs.set(key, [...(runs.get(key) ?? []), await measure(server, concurrency)]);
        }
      }
    }
    const rows = servers.flatMap((server) => CONCURRENCY.map((concurrency) => summarise(server, concurrency, runs.get(`${server}@${concurrency}`)!)));

    if (ONLY_ROWS !== undefined || !CONCURRENCY.includes(16)) {
      // A partial run (some rows, some concurrencies) prints its rows and keeps the published results as they are.
      printRows(rows);
      return;
    }
    const rate = (server: ServerName, concurrency: number): number => rows.find((r) => r.server === server && r.concurrency === concurrency)!.callsPerSec;
    const ratiosAt = (concurrency: number): Ratios => {
      const of = (server: ServerName, to: ServerName): number => rate(server, concurrency) / rate(to, concurrency);
      return {
        memoryPutToPooledSdkEcho: of('ledgerline-memory-put', 'sdk-echo-pooled'),
        memoryPutToPerRequestSdkEcho: of('ledgerline-memory-put', 'sdk-echo-per-request'),
        memoryPutToSdkV2Echo: of('ledgerline-memory-put', 'sdk-v2-echo'),
        memoryPutToRawHttp: of('ledgerline-memory-put', 'raw-http-echo'),
        memoryPut2026To2025: of('ledgerline-memory-put-2026-07-28', 'ledgerline-memory-put'),
        memoryPut2026ToSdkV2Echo: of('ledgerline-memory-put-2026-07-28', 'sdk-v2-echo'),
        memoryPut2026ToPooledSdkEcho: of('ledgerline-memory-put-2026-07-28', 'sdk-echo-pooled'),
        memoryPut2026ToPerRequestSdkEcho: of('ledgerline-memory-put-2026-07-28', 'sdk-echo-per-request'),
        memoryPut2026ToRawHttp: of('ledgerline-memory-put-2026-07-28', 'raw-http-echo'),
        pooledSdkEchoToRawHttp: of('sdk-echo-pooled', 'raw-http-echo'),
        perRequestToPooledSdkEcho: of('sdk-echo-per-request', 'sdk-echo-pooled'),
        sdkV2EchoToPooledSdkEcho: of('sdk-v2-echo', 'sdk-echo-pooled'),
        sdkV2EchoToPerRequestSdkEcho: of('sdk-v2-echo', 'sdk-echo-per-request'),
        oauthTokenToDevToken: of('ledgerline-memory-put-oauth', 'ledgerline-memory-put'),
        ...(baseline ? {
          memoryPutToV1Endpoint: of('ledgerline-memory-put', 'ledgerline-memory-put-v1-endpoint'),
          memoryPut2026ToV1Endpoint: of('ledgerline-memory-put-2026-07-28', 'ledgerline-memory-put-v1-endpoint'),
          v1EndpointToPooledSdkEcho: of('ledgerline-memory-put-v1-endpoint', 'sdk-echo-pooled'),
        } : {}),
      };
    };
    const ratios: Record<string, Ratios> = Object.fromEntries(CONCURRENCY.map((concurrency) => [`c${concurrency}`, ratiosAt(concurrency)]));
    const at16 = ratios.c16!;
    const againstV1EndpointAt16 = baseline && at16.memoryPutToV1Endpoint !== undefined && at16.memoryPut2026ToV1Endpoint !== undefined
      ? {
        commit: baseline.commit, v1EndpointCallsPerSec: rate('ledgerline-memory-put-v1-endpoint', 16),
        [LEGACY_REVISION]: { callsPerSec: rate('ledgerline-memory-put', 16), ratio: at16.memoryPutToV1Endpoint, noSlower: at16.memoryPutToV1Endpoint >= 1 },
        [MODERN_REVISION]: { callsPerSec: rate('ledgerline-memory-put-2026-07-28', 16), ratio: at16.memoryPut2026ToV1Endpoint, noSlower: at16.memoryPut2026ToV1Endpoint >= 1 },
      }
      : undefined;
    const descriptions: Record<ServerName, string> = {
      'raw-http-echo': 'node:http, JSON.parse of the body, a fixed JSON-RPC result',
      'sdk-echo-pooled': '@modelcontextprotocol/sdk (v1) McpServer with an echo tool, 2025-11-25, stateless: a pool of idle servers, a new transport per request',
      'sdk-echo-per-request': 'the same, a new McpServer + transport per request (the SDK\'s documented stateless pattern)',
      'sdk-v2-echo': '@modelcontextprotocol/server (v2) McpServer with an echo tool, 2026-07-28: createMcpHandler (a new server per request, legacy rejected, JSON responses) mounted with toNodeHandler, the body parsed beforehand, as the platform mounts it',
      'ledgerline-memory-put': 'the platform (dist/apps/platform/src/main.js), memory_put on the embedded SQLite store (synchronous=FULL), 2025-11-25, dev issuer token (HS256)',
      'ledgerline-memory-put-2026-07-28': 'the same platform and tool and token, 2026-07-28: the _meta envelope (protocolVersion, clientInfo, clientCapabilities) and the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers as @modelcontextprotocol/client 2.4.0 sends them',
      'ledgerline-memory-put-oauth': 'the same platform and tool, 2025-11-25, a token from its authorization server (ES256 at+jwt with a grant id, checked against the revocation feed on every call)',
      'ledgerline-memory-put-v1-endpoint': `the platform of the baseline commit (${baseline?.commit ?? 'none'}; the row keeps the name it got when that was 583d222, /mcp on the SDK v1), same settings, its own data directory, memory_put on 2025-11-25 with a dev issuer token`,
    };
    writeResults('bench/results/mcp.json', {
      benchmark: 'mcp', measuredAt: new Date().toISOString(), machine: machine(),
      settings: {
        secondsPerRun: SECONDS, runs: RUNS, concurrency: CONCURRENCY, order: 'interleaved: each round measures every server at every concurrency, every other round in reverse order',
        loadGenerator: 'this process: node:http keep-alive Agent, one socket per loop (at the raw row it is itself the limit)',
        servers: Object.fromEntries(servers.map((server) => [server, descriptions[server]])),
        baseline: baseline
          ? { commit: baseline.commit, sha: baseline.sha, subject: baseline.subject, how: 'BENCH_MCP_BASELINE_COMMIT: a temporary git worktree of the commit, this checkout\'s node_modules linked in, built with its own npm run build, started beside this platform with the same settings' }
          : null,
        platform: statedSettings(platform.env),
      },
      rows, ratios,
      memoryPutToPooledSdkEchoAt16: at16.memoryPutToPooledSdkEcho,
      memoryPut2026ToSdkV2EchoAt16: at16.memoryPut2026ToSdkV2Echo,
      ...(againstV1EndpointAt16 ? { againstV1EndpointAt16 } : {}),
    });
    printRows(rows);
    console.table(Object.fromEntries(Object.entries(ratios).map(([at, r]) => [at, Object.fromEntries(Object.entries(r).map(([name, value]) => [name, value.toFixed(3)]))])));
    console.log(`at concurrency 16: memory_put ${LEGACY_REVISION} / pooled SDK echo = ${at16.memoryPutToPooledSdkEcho.toFixed(2)}; memory_put ${MODERN_REVISION} / ${LEGACY_REVISION} = ${at16.memoryPut2026To2025.toFixed(2)}, / SDK v2 echo = ${at16.memoryPut2026ToSdkV2Echo.toFixed(2)}; authorization-server token / dev token = ${at16.oauthTokenToDevToken.toFixed(2)}`);
    if (againstV1EndpointAt16) {
      const v1 = againstV1EndpointAt16;
      console.log(`against the baseline commit (${v1.commit}, ${formatRate(v1.v1EndpointCallsPerSec)} calls/s at c=16): ${LEGACY_REVISION} ${formatRate(v1[LEGACY_REVISION].callsPerSec)} (${v1[LEGACY_REVISION].ratio.toFixed(2)}), ${MODERN_REVISION} ${formatRate(v1[MODERN_REVISION].callsPerSec)} (${v1[MODERN_REVISION].ratio.toFixed(2)})`);
    }
    console.log('written to bench/results/mcp.json');
  } finally {
    await stopAll(children);
    baseline?.remove();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** The ratios of one concurrency: a / b of calls per second; those against the v1 endpoint only when it was measured. */
interface Ratios {
  memoryPutToPooledSdkEcho: number;
  memoryPutToPerRequestSdkEcho: number;
  memoryPutToSdkV2Echo: number;
  memoryPutToRawHttp: number;
  memoryPut2026To2025: number;
  memoryPut2026ToSdkV2Echo: number;
  memoryPut2026ToPooledSdkEcho: number;
  memoryPut2026ToPerRequestSdkEcho: number;
  memoryPut2026ToRawHttp: number;
  pooledSdkEchoToRawHttp: number;
  perRequestToPooledSdkEcho: number;
  sdkV2EchoToPooledSdkEcho: number;
  sdkV2EchoToPerRequestSdkEcho: number;
  oauthTokenToDevToken: number;
  memoryPutToV1Endpoint?: number;
  memoryPut2026ToV1Endpoint?: number;
  v1EndpointToPooledSdkEcho?: number;
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
