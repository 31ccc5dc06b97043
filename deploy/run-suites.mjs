#!/usr/bin/env node
// Runs every Jest suite, in two phases:
//   1. all suites but the ones that measure latency, on LEDGERLINE_TEST_WORKERS Jest workers
//      (default 2): suites do not share state (each has its own database, Kafka topics, data
//      directory and ports), and many spend most of their time waiting (timers, restarts,
//      drains). 3 workers helped those (twelve 20-30 s suites: 146 s against 205 s) but slowed
//      the CPU-bound ones as much (a clean clone's CI: 950 s against 987 on 2, run-crash 170 s
//      against 62), which brings them nearer their timeouts on a slower machine: so 2;
//   2. the suites in ALONE, one at a time with nothing else running, because they compare
//      latencies measured in the same run (a second suite beside them is noise they would measure).
// Then prints the slowest ten suites of both phases and exits non-zero if any suite failed.
//   node deploy/run-suites.mjs [Jest arguments: a pattern, … — then phase 1 alone runs, with them]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runForwardingSignals } from './service-utils.mjs';

const ALONE = ['test/noisy-tenant.system.spec.ts'];
const JEST = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--forceExit'];
const workers = process.env.LEDGERLINE_TEST_WORKERS ?? '2';
const scratch = mkdtempSync(join(tmpdir(), 'ledgerline-suites-'));

const extra = process.argv.slice(2);
const phases = [
  { name: `parallel (${workers} workers)`, args: [`--maxWorkers=${workers}`, ...(extra.length > 0 ? extra : ALONE.flatMap((path) => ['--testPathIgnorePatterns', path]))] },
  ...(extra.length > 0 ? [] : [{ name: 'alone', args: ['--runInBand', ...ALONE] }]),
];
const results = [];
let failed = false;
try {
  for (const [index, phase] of phases.entries()) {
    const outputFile = join(scratch, `phase-${index}.json`);
    const started = Date.now();
    const code = await runForwardingSignals([process.execPath, ...JEST, ...phase.args, '--json', `--outputFile=${outputFile}`]);
    const seconds = (Date.now() - started) / 1000;
    let report;
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8'));
    } catch {
      report = undefined;
    }
    if (code !== 0 || !report) failed = true;
    console.log(`[suites] phase ${phase.name}: ${report ? `${report.numPassedTestSuites}/${report.numTotalTestSuites} suites, ${report.numPassedTests}/${report.numTotalTests} tests passed` : 'no report'} in ${seconds.toFixed(0)} s (exit ${code})`);
    for (const suite of report?.testResults ?? []) {
      results.push({ path: relative(process.cwd(), suite.name), seconds: (suite.endTime - suite.startTime) / 1000, status: suite.status });
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log('[suites] slowest ten:');
for (const suite of results.sort((a, b) => b.seconds - a.seconds).slice(0, 10)) {
  console.log(`[suites] ${suite.seconds.toFixed(1).padStart(7)} s  ${suite.path}${suite.status === 'passed' ? '' : `  (${suite.status})`}`);
}
process.exit(failed ? 1 : 0);
