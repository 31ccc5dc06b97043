import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The two revision sets Ledgerline serves on /mcp: the stateful-era wire (initialize) and the stateless one (`_meta`). */
export type Revision = '2025-11-25' | '2026-07-28';

export type CheckStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';

/** One check of a scenario, as the suite writes it to its `checks.json`. */
export interface ConformanceCheck {
  id: string;
  status: CheckStatus;
  description?: string;
  errorMessage?: string;
  details?: unknown;
}

export interface ScenarioResult {
  scenario: string;
  checks: ConformanceCheck[];
}

export interface ConformanceRun {
  revision: Revision;
  /** 0 when every failure was an expected one and no expected one passed; 1 otherwise (the CLI's own verdict). */
  exitCode: number | null;
  /** What the CLI printed (stdout and stderr, colours removed). */
  output: string;
  /** Every scenario run, in order, with its checks. */
  scenarios: ScenarioResult[];
  /** The CLI's verdict on the baseline: entries that failed as listed, entries that passed, failures not listed. */
  expectedFailures: string[];
  staleEntries: string[];
  unexpectedFailures: string[];
}

const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json'));
const CLI = join(PACKAGE_DIR, (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { bin: { conformance: string } }).bin.conformance);

/** A check that counts as failing, for the CLI's baseline as for us: a WARNING is a SHOULD not met. */
export const failing = (check: ConformanceCheck): boolean => check.status === 'FAILURE' || check.status === 'WARNING';

/**
 * `conformance server --url <url> --suite all --spec-version <revision> --expected-failures <file>`:
 * every server scenario of the suite that applies at that revision (extensions, such as tasks and
 * skills, are not on the spec timeline and are left out), at that revision's wire. The CLI's output
 * goes to a file, not a pipe, so nothing it prints before `process.exit` is lost; each scenario's
 * checks are read from the `checks.json` it saves under a throw-away `-o` directory.
 */
export async function runConformanceSuite(url: string, revision: Revision, expectedFailuresFile: string, timeoutMs = 120_000): Promise<ConformanceRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-conformance-'));
  try {
    const log = join(dir, 'output.txt');
    const fd = openSync(log, 'w');
    let exitCode: number | null;
    try {
      const child = spawn(process.execPath, [CLI, 'server', '--url', url, '--suite', 'all', '--spec-version', revision, '--expected-failures', expectedFailuresFile, '-o', join(dir, 'results')], {
        env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
        stdio: ['ignore', fd, fd],
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      exitCode = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', resolve);
      }).finally(() => clearTimeout(timer));
    } finally {
      closeSync(fd);
    }
    const output = readFileSync(log, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
    return { revision, exitCode, output, scenarios: scenariosOf(output), ...baselineVerdictOf(output) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each `=== Running scenario: <name> ===` and the `Results saved to <dir>` after it: that directory's checks. */
function scenariosOf(output: string): ScenarioResult[] {
  const results: ScenarioResult[] = [];
  let scenario: string | undefined;
  for (const line of output.split('\n')) {
    const started = /^=== Running scenario: (\S+) ===$/.exec(line);
    if (started) scenario = started[1];
    const saved = /^Results saved to (.+)$/.exec(line);
    if (saved && scenario !== undefined) {
      results.push({ scenario, checks: JSON.parse(readFileSync(join(saved[1]!, 'checks.json'), 'utf8')) as ConformanceCheck[] });
      scenario = undefined;
    }
  }
  return results;
}

/** The three lists the CLI prints after a run with a baseline (`  ~ entry`, `  ✓ entry`, `  ✗ entry` under their headings). */
function baselineVerdictOf(output: string): Pick<ConformanceRun, 'expectedFailures' | 'staleEntries' | 'unexpectedFailures'> {
  const lists = { expectedFailures: [] as string[], staleEntries: [] as string[], unexpectedFailures: [] as string[] };
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('Expected failures (in baseline)')) current = lists.expectedFailures;
    else if (line.startsWith('Stale baseline entries')) current = lists.staleEntries;
    else if (line.startsWith('Unexpected failures (not in baseline)')) current = lists.unexpectedFailures;
    else if (current && /^ {2}[~✓✗] /.test(line)) current.push(line.slice(4).trim());
    else if (line.trim() !== '') current = undefined;
  }
  return lists;
}

/**
 * What to read when a run fails: the CLI's summary and baseline verdict, then every failing check
 * of the scenarios it named (unexpected failures and stale entries), with its message and details.
 */
export function reportOf(run: ConformanceRun): string {
  const summary = run.output.slice(Math.max(0, run.output.indexOf('=== SUMMARY ===')));
  const named = new Set([...run.unexpectedFailures, ...run.staleEntries].map((entry) => entry.split(':')[0]!));
  const checks = run.scenarios
    .filter((result) => named.has(result.scenario))
    .flatMap((result) => result.checks.filter(failing).map((check) => `${result.scenario}:${check.id} ${check.status}: ${check.errorMessage ?? check.description ?? ''}\n    ${JSON.stringify(check.details ?? null).slice(0, 1500)}`));
  return [`conformance ${run.revision}: exit code ${run.exitCode}`, summary.trim(), ...(checks.length > 0 ? ['Failing checks of the scenarios named above:', ...checks] : [])].join('\n\n');
}

/**
 * The items of one top-level list of plain strings in a YAML file written as `key:` then
 * `  - item  # comment` lines (the suite's requirement sets, our expected failures). Any other line
 * in that list throws: nothing the CLI reads may be missed here.
 */
export function yamlListItems(text: string, key: string): { item: string; comment: string | undefined }[] {
  const items: { item: string; comment: string | undefined }[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line) && !line.startsWith('#')) {
      inside = line.trim() === `${key}:`;
      continue;
    }
    if (!inside || /^\s*(#.*)?$/.test(line)) continue;
    const entry = /^\s+-\s+([^\s#]+)\s*(?:#\s*(.*))?$/.exec(line);
    if (!entry) throw new Error(`a line of the ${key} list is not \`- item  # comment\`: ${line}`);
    items.push({ item: entry[1]!, comment: entry[2]?.trim() || undefined });
  }
  return items;
}

/** The scenarios a revision's frozen requirement set (the suite's `requirements/<revision>.yaml`) requires of a server. */
export function requiredServerScenarios(revision: Revision): string[] {
  return yamlListItems(readFileSync(join(PACKAGE_DIR, 'requirements', `${revision}.yaml`), 'utf8'), 'server').map(({ item }) => item);
}
