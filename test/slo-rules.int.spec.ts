import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as core from '#core';
import { DomainError } from '#core';
import { METRICS_REGISTRY, toolCallDuration } from '#observability/nest';
import { BUCKETS_MS, generateRules, parseSlos, RULES_FILE, SloFileError, SLOS_FILE } from '../deploy/prometheus/generate-slo-rules.mjs';
import { findPromtool } from '../deploy/prometheus/local-promtool.mjs';

// The SLO rules (deploy/prometheus, docs/observability.md#slos) checked by promtool from Debian's
// `prometheus` package, fetched once when it is missing: without it this suite fails, never skips.
const PROMETHEUS_DIR = dirname(RULES_FILE);
const DASHBOARD = join(PROMETHEUS_DIR, '..', 'grafana', 'ledgerline-slos.json');
const TEST_FILES = readdirSync(PROMETHEUS_DIR).filter((name) => name.endsWith('.test.yml'));
const slosJson = (): Record<string, unknown> => JSON.parse(readFileSync(SLOS_FILE, 'utf8')) as Record<string, unknown>;

let promtool: string;
const scratch = mkdtempSync(join(tmpdir(), 'ledgerline-slo-'));

beforeAll(() => {
  promtool = findPromtool().promtool;
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runPromtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(promtool, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function runPromtoolAsync(...args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The names of recorded series (level:metric:operations) and of our raw metrics an expression text uses. */
const recordedIn = (text: string): string[] => [...new Set(text.match(/ledgerline:[a-z0-9_:]+/g) ?? [])];
const metricsIn = (text: string): string[] => [...new Set(text.match(/\bledgerline_[a-z0-9_]+/g) ?? [])];

describe('SLO objectives (deploy/prometheus/slos.json)', () => {
  it('the committed slo.rules.yml is what slos.json generates (run node deploy/prometheus/generate-slo-rules.mjs after a change)', () => {
    expect(readFileSync(RULES_FILE, 'utf8')).toBe(generateRules(slosJson()));
  });

  it.each([
    ['a latency threshold that is no bucket boundary', (slos: any) => { slos.tools.memory_get.latency.thresholdMs = 120; }, /tools\.memory_get\.latency\.thresholdMs is 120, not a bucket boundary/],
    ['an objective of 100 %', (slos: any) => { slos.default.availability.objectivePercent = 100; }, /default\.availability\.objectivePercent must be a percentage above 0 and below 100/],
    ['a misspelt field', (slos: any) => { slos.tools.audit_query.latency = { thresholdMS: 1000 }; }, /tools\.audit_query\.latency has an unknown field "thresholdMS"/],
    ['a tool name that is a regex', (slos: any) => { slos.tools['memory.*'] = {}; }, /tools has "memory\.\*", not a tool name/],
    ['an outcome that is both the caller\'s and the platform\'s', (slos: any) => { slos.outcomes.caller.push('internal'); }, /outcomes lists "internal" as both/],
  ])('refuses %s, naming the field', (_case, edit, message) => {
    const slos = slosJson();
    edit(slos);
    expect(() => parseSlos(slos)).toThrow(SloFileError);
    expect(() => generateRules(slos)).toThrow(message);
  });

  it('knows the bucket boundaries of the real ledgerline_tool_call_duration_seconds', async () => {
    const probe = { tool: 'slo_rules_probe', outcome: 'ok' };
    toolCallDuration.observe(probe, 0);
    try {
      const boundaries = (await toolCallDuration.get()).values
        .map((sample) => ({ name: sample.metricName, labels: sample.labels as Record<string, string | number | undefined> }))
        .filter(({ name, labels }) => name?.endsWith('_bucket') && labels.tool === probe.tool && labels.le !== '+Inf')
        .map(({ labels }) => Number(labels.le));
      expect(boundaries).toEqual(BUCKETS_MS.map((ms) => ms / 1000));
    } finally {
      toolCallDuration.remove(probe);
    }
  });

  it('classifies every outcome a tool call can record as the caller\'s or the platform\'s; only unavailable and internal are the platform\'s', () => {
    // The outcome label is a DomainError's kind, `internal` for any other error, or the reason the
    // endpoint interrupted the call (a confirmation asked for, a URL elicitation): see ToolInvoker.
    const invoker = readFileSync('libs/mcp/src/tool-invoker.ts', 'utf8');
    expect(invoker).toContain("outcome: error instanceof DomainError ? error.kind : 'internal'");
    expect(invoker).toContain("thrown instanceof CallInterrupted ? thrown.reason : 'elicitation'");
    const interruptions = spawnSync('grep', ['-rhoE', "new CallInterrupted\\('[a-z_]+'", 'libs', 'apps'], { encoding: 'utf8' }).stdout.match(/'([a-z_]+)'/g)?.map((quoted) => quoted.slice(1, -1)) ?? [];
    expect(interruptions).toContain('confirmation_required');
    const kinds = (Object.values(core) as unknown[])
      .filter((value): value is new (code: string, message: string) => DomainError => typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof DomainError)
      .map((errorClass) => new errorClass('slo.probe', 'probe').kind);
    expect(kinds).toEqual(expect.arrayContaining(['validation', 'not_found', 'forbidden', 'rate_limited', 'unavailable']));
    const recordable = new Set([...kinds, 'internal', 'elicitation', ...interruptions]);

    const { outcomes } = parseSlos(slosJson());
    expect([...recordable].filter((outcome) => !outcomes.caller.includes(outcome) && !outcomes.platform.includes(outcome))).toEqual([]);
    expect([...outcomes.caller, ...outcomes.platform].filter((outcome) => !recordable.has(outcome))).toEqual([]);
    expect([...outcomes.platform].sort()).toEqual(['internal', 'unavailable']);
  });
});

describe('SLO rules under promtool', () => {
  it('promtool check rules: slo.rules.yml parses and passes its lint', () => {
    const { status, output } = runPromtool('check', 'rules', RULES_FILE);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('promtool test rules: every burn-rate and ratio test passes', () => {
    expect(TEST_FILES.sort()).toEqual(['slo-page.test.yml', 'slo-ticket.test.yml']);
    const { status, output } = runPromtool('test', 'rules', ...TEST_FILES.map((name) => join(PROMETHEUS_DIR, name)));
    expect(output).not.toContain('FAILED');
    expect(status).toBe(0);
  });

  // Each case breaks one rule in a copy, as a careless edit of the generator or the rules file
  // would; the test file that covers it must fail and name the alert or series that went wrong.
  // The copies are tested side by side: each promtool run takes seconds, mostly waiting on one core.
  const breakages = [
    { breakage: 'a page threshold (14.4x read as 144x)', from: '(14.4 * (1 - ledgerline:tool_availability_objective:ratio))', to: '(144 * (1 - ledgerline:tool_availability_objective:ratio))', testFile: 'slo-page.test.yml', named: ['LedgerlineToolAvailabilityFastBurn', 'tool="connector_register"'] },
    { breakage: 'a ticket threshold (3x read as 30x)', from: '(3 * (1 - ledgerline:tool_latency_objective:ratio))', to: '(30 * (1 - ledgerline:tool_latency_objective:ratio))', testFile: 'slo-ticket.test.yml', named: ['LedgerlineToolLatencySlowBurn', 'tool="audit_query"'] },
    { breakage: 'the caller\'s outcomes (validation counted against availability)', from: 'outcome!~"ok|validation|', to: 'outcome!~"ok|', testFile: 'slo-page.test.yml', named: ['LedgerlineToolAvailabilityFastBurn', 'tool="connector_list"'] },
    { breakage: 'a tool\'s latency threshold (memory_get judged at 250 ms)', from: 'le="0.1", tool=~"memory_get|memory_put"', to: 'le="0.25", tool=~"memory_get|memory_put"', testFile: 'slo-page.test.yml', named: ['LedgerlineToolLatencyFastBurn', 'ledgerline:tool_call_latency_good:ratio_rate1h'] },
    { breakage: 'the short window of the page (dropped from the 1 h pair)', from: 'and on (tool)\n            ledgerline:tool_call_errors:ratio_rate5m', to: 'or on (tool)\n            ledgerline:tool_call_errors:ratio_rate5m', testFile: 'slo-page.test.yml', named: ['LedgerlineToolAvailabilityFastBurn', 'tool="run_list"'] },
  ];
  it(`fails when a rule is broken, naming what broke: ${breakages.map(({ breakage }) => breakage).join('; ')}`, async () => {
    const rules = readFileSync(RULES_FILE, 'utf8');
    const results = await Promise.all(breakages.map(async ({ breakage, from, to, testFile, named }) => {
      expect({ breakage, applies: rules.includes(from) }).toEqual({ breakage, applies: true });
      const copy = mkdtempSync(join(scratch, 'broken-'));
      cpSync(PROMETHEUS_DIR, copy, { recursive: true });
      writeFileSync(join(copy, 'slo.rules.yml'), rules.replaceAll(from, to));
      const { status, output } = await runPromtoolAsync('test', 'rules', join(copy, testFile));
      return { breakage, failed: status !== 0 && output.includes('FAILED'), unnamed: named.filter((name) => !output.includes(name)) };
    }));
    expect(results).toEqual(breakages.map(({ breakage }) => ({ breakage, failed: true, unnamed: [] })));
  });
});

describe('the Grafana dashboard (deploy/grafana/ledgerline-slos.json)', () => {
  interface Target { expr: string; datasource: { uid: string } }
  interface Panel { id: number; type: string; title: string; datasource?: { uid: string }; targets?: Target[] }
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: Panel[]; templating: { list: Array<{ name: string; type: string; query: unknown }> } };
  const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');
  const exprs = graphs.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

  it('asks for its Prometheus as ${datasource}, and every panel and query uses it', () => {
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    expect(graphs.length).toBeGreaterThanOrEqual(10);
    for (const panel of graphs) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid: '${datasource}' });
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe('${datasource}');
    }
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
  });

  it('reads only series the rules record and metrics the platform exports', () => {
    const rules = readFileSync(RULES_FILE, 'utf8');
    const recorded = new Set([...rules.matchAll(/- record: (\S+)/g)].map((match) => match[1]));
    const used = recordedIn(exprs.join('\n'));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !recorded.has(name))).toEqual([]);

    const exported = new Set(METRICS_REGISTRY.getMetricsAsArray().flatMap(({ name }) => [name, `${name}_bucket`, `${name}_count`, `${name}_sum`]));
    for (const name of ['ledgerline_event_append_duration_seconds_bucket', 'ledgerline_saga_step_outcomes_total', 'ledgerline_projection_lag_events', 'ledgerline_consumer_lag_messages']) {
      expect(metricsIn(exprs.join('\n'))).toContain(name);
    }
    expect([...metricsIn(exprs.join('\n')), ...metricsIn(rules)].filter((name) => !exported.has(name))).toEqual([]);
  });
});
