// Ops benchmark, on the embedded SQLite store: BENCH_EVENTS (default 1,000,000) events of one
// tenant (memory puts with sealed personal data, as the platform writes them), then from the CLI,
// each as its own process as an operator would run it:
//   replay  `ledgerline replay --all`: every view rebuilt online, all in one pass over the log;
//           views compared before and after;
//   export  `ledgerline export --tenant`: events/s and the CLI's peak RSS (VmHWM), also for a
//           tenant 100x smaller: flat memory means the two peaks are close;
//   verify  `ledgerline verify <file>`: events/s.
// Baselines, same run: reading the same log raw (EventStore.readAll) in this process, events/s;
// and the CLI doing nothing (`ledgerline --help`): its start-up time and peak RSS, which every
// command above pays before its first event.
// Usage: npm run bench:ops. BENCH_EVENTS, BENCH_KEEP=1 keeps the data directory.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '#event-store';
import { openPersonalDataVault } from '#keys';
import { Projector, SqliteViewDb } from '#projections';
import { ALL_PROJECTIONS } from '../../apps/cli/src/projections.js';
import { runBench, statedSettings } from '../support/bench-settings.js';
import { formatRate, machine, writeResults } from '../support/bench-utils.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SMALL_EVENTS = Math.max(1000, Math.round(EVENTS / 100));
const BATCH = 1000;
const USERS = 100;
const NAMESPACES = 20;
const BIG = 'bench-big';
const SMALL = 'bench-small';

interface CliRun {
  seconds: number;
  peakRssMb: number;
  stdout: string;
}

/** The CLI's environment: the embedded store in the bench's data directory, every other setting its default. */
function cliEnv(dataDir: string): Record<string, string> {
  return { LEDGERLINE_DATA_DIR: dataDir };
}

/** Runs the built CLI as its own process; samples its peak RSS (VmHWM) until it exits. */
function cli(dataDir: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', ...args], {
      env: { PATH: process.env.PATH, ...cliEnv(dataDir) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    let peakKb = 0;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const sample = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // exited between two samples
      }
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) return reject(new Error(`ledgerline ${args.join(' ')} exited with ${code}`));
      resolve({ seconds: (performance.now() - started) / 1000, peakRssMb: peakKb / 1024, stdout });
    });
  });
}

async function generate(dataDir: string, tenantId: string, total: number): Promise<number> {
  const store = SqliteEventStore.open({ path: join(dataDir, 'events.db') });
  const { vault, close } = await openPersonalDataVault({ kind: 'sqlite', dataDir }, { dataDir });
  const started = performance.now();
  try {
    for (let written = 0, round = 0; written < total; round++) {
      const user = `u${round % USERS}`;
      const streamId = `memory:user:${user}:ns${Math.floor(round / USERS) % NAMESPACES}`;
      const events: NewEvent[] = [];
      for (let i = 0; i < BATCH && written + i < total; i++) {
        const key = `k${i % 200}`;
        if (i % 10 === 9) {
          events.push({ type: 'MemoryItemDeleted', data: { key: `k${(i - 1) % 200}` }, metadata: { userId: user, tool: 'memory_delete' } });
          continue;
        }
        const { sealed, digest } = await vault.seal(tenantId, user, { note: `note ${round}/${i}`, n: i }, streamId);
        events.push({ type: 'MemoryItemPut', data: { key, value: sealed, digest }, metadata: { userId: user, tool: 'memory_put', scopes: ['memory:write'] } });
      }
      await store.append(tenantId, streamId, 'any', events);
      written += events.length;
    }
  } finally {
    await close();
    await store.close();
  }
  return (performance.now() - started) / 1000;
}

/** A digest of every view table's rows, in primary-key order, for before/after comparison. */
async function viewDigest(dataDir: string): Promise<Record<string, string>> {
  const views = SqliteViewDb.open(join(dataDir, 'views.db'));
  try {
    const digests: Record<string, string> = {};
    for (const projection of ALL_PROJECTIONS) {
      for (const table of Object.keys(projection.tables)) {
        const rows = await views.all<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).catch(() => []);
        const hash = createHash('sha256');
        for (const row of rows) hash.update(JSON.stringify(row));
        digests[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
      }
    }
    return digests;
  } finally {
    await views.close();
  }
}

/** The views as a starting platform builds them: each projector catches up from position 0. */
async function buildViews(dataDir: string): Promise<number> {
  const store = SqliteEventStore.open({ path: join(dataDir, 'events.db') });
  const views = SqliteViewDb.open(join(dataDir, 'views.db'));
  const started = performance.now();
  try {
    for (const projection of ALL_PROJECTIONS) {
      const projector = new Projector(store, views, projection, { batchSize: 1000 });
      await projector.start();
      await projector.stop();
    }
    return (performance.now() - started) / 1000;
  } finally {
    await views.close();
    await store.close();
  }
}

async function readAllRate(dataDir: string, tenantId: string): Promise<number> {
  const store = SqliteEventStore.open({ path: join(dataDir, 'events.db') });
  try {
    const started = performance.now();
    let count = 0;
    for await (const batch of store.readAll({ tenantId, batchSize: 1000 })) count += batch.length;
    return count / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-ops-'));
  try {
    console.log(`generating ${EVENTS.toLocaleString('en-US')} events of ${BIG} and ${SMALL_EVENTS.toLocaleString('en-US')} of ${SMALL} in ${dataDir}`);
    const generateSeconds = (await generate(dataDir, BIG, EVENTS)) + (await generate(dataDir, SMALL, SMALL_EVENTS));
    const totalEvents = EVENTS + SMALL_EVENTS;
    console.log(`generated in ${generateSeconds.toFixed(1)} s`);

    // The views as the platform would build them, then the online rebuild of all of them.
    const firstBuildSeconds = await buildViews(dataDir);
    const before = await viewDigest(dataDir);
    const replay = await cli(dataDir, ['replay', '--all', '--restart', '--json']);
    const after = await viewDigest(dataDir);
    const viewsEqualAfterReplay = JSON.stringify(before) === JSON.stringify(after);
    const replayEventsPerSec = totalEvents / replay.seconds;
    // The pass itself, as the CLI times it (start-up and opening the stores left out): every view reports the pass's seconds.
    const replayPassSeconds = Math.max(...replay.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { seconds: number }).seconds));
    console.log(`replay --all: ${formatRate(replayEventsPerSec)} events/s (${replay.seconds.toFixed(1)} s, the pass alone ${formatRate(totalEvents / replayPassSeconds)} events/s, peak RSS ${replay.peakRssMb.toFixed(0)} MB; the projectors' own catch-up from 0: ${formatRate(totalEvents / firstBuildSeconds)} events/s); views equal after: ${viewsEqualAfterReplay}`);

    const readAllEventsPerSec = await readAllRate(dataDir, BIG);
    console.log(`baseline readAll: ${formatRate(readAllEventsPerSec)} events/s`);
    const idle = await cli(dataDir, ['--help']);
    console.log(`baseline ledgerline --help: ${idle.seconds.toFixed(2)} s, peak RSS ${idle.peakRssMb.toFixed(0)} MB`);

    const bigFile = join(dataDir, 'big.ndjson.gz');
    const smallFile = join(dataDir, 'small.ndjson.gz');
    const exportBig = await cli(dataDir, ['export', '--tenant', BIG, '--out', bigFile, '--json']);
    const exportSmall = await cli(dataDir, ['export', '--tenant', SMALL, '--out', smallFile, '--json']);
    const exportEventsPerSec = EVENTS / exportBig.seconds;
    console.log(`export: ${formatRate(exportEventsPerSec)} events/s, ${(statSync(bigFile).size / 2 ** 20).toFixed(0)} MiB, peak RSS ${exportBig.peakRssMb.toFixed(0)} MB (${SMALL_EVENTS.toLocaleString('en-US')} events: ${exportSmall.peakRssMb.toFixed(0)} MB)`);

    const verify = await cli(dataDir, ['verify', bigFile, '--json']);
    const verifyOk = (JSON.parse(verify.stdout) as { ok: boolean }).ok;
    const verifyEventsPerSec = EVENTS / verify.seconds;
    console.log(`verify: ${formatRate(verifyEventsPerSec)} events/s, ok: ${verifyOk}, peak RSS ${verify.peakRssMb.toFixed(0)} MB`);

    // A replay that changes the views, or an export that does not verify, is a defect to fix, not a figure.
    if (!viewsEqualAfterReplay) throw new Error(`the views differ after replay --all: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    if (!verifyOk) throw new Error(`ledgerline verify did not accept the export: ${verify.stdout.slice(0, 500)}`);

    writeResults('bench/results/ops.json', {
      benchmark: 'ops',
      at: new Date().toISOString(),
      machine: machine(),
      store: 'sqlite',
      settings: { events: EVENTS, smallTenantEvents: SMALL_EVENTS, eventsPerAppend: BATCH, users: USERS, namespaces: NAMESPACES, cli: statedSettings(cliEnv(dataDir)) },
      events: EVENTS,
      replayEventsPerSec,
      replayEventsTotal: totalEvents,
      replaySeconds: replay.seconds,
      replayPassEventsPerSec: totalEvents / replayPassSeconds,
      replayPeakRssMb: replay.peakRssMb,
      catchUpEventsPerSec: totalEvents / firstBuildSeconds,
      viewsEqualAfterReplay,
      exportEventsPerSec,
      exportPeakRssMb: exportBig.peakRssMb,
      exportPeakRssMbSmallTenant: exportSmall.peakRssMb,
      exportFileMb: statSync(bigFile).size / 2 ** 20,
      verifyEventsPerSec,
      verifyOk,
      verifyPeakRssMb: verify.peakRssMb,
      baseline: { cliIdleSeconds: idle.seconds, cliIdlePeakRssMb: idle.peakRssMb, readAllEventsPerSec, replayVsReadAll: replayEventsPerSec / readAllEventsPerSec, exportVsReadAll: exportEventsPerSec / readAllEventsPerSec, verifyVsReadAll: verifyEventsPerSec / readAllEventsPerSec },
      generateSeconds,
    });
    console.log('wrote bench/results/ops.json');
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  }
}

await runBench('ops', main);
