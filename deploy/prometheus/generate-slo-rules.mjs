#!/usr/bin/env node
// Writes the Prometheus rules of Ledgerline's SLOs (slo.rules.yml) from the objectives in
// slos.json: per tool, recording rules for the error ratio and the latency-good ratio over the
// burn-rate windows, and multi-window, multi-burn-rate alerts (the Google SRE workbook, "Alerting on
// SLOs", its recommended pairs for a 30-day budget). The rules file is committed; a test checks it is
// this script's output for slos.json. See docs/observability.md#slos.
//   node deploy/prometheus/generate-slo-rules.mjs           writes slo.rules.yml
//   node deploy/prometheus/generate-slo-rules.mjs --check   exits 1 when slo.rules.yml is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SLOS_FILE = join(HERE, 'slos.json');
export const RULES_FILE = join(HERE, 'slo.rules.yml');

/** The bucket boundaries of ledgerline_tool_call_duration_seconds in ms (libs/observability/src/metrics.ts; a test keeps them equal). */
export const BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/**
 * Severity, burn-rate factor, long and short window: the workbook's table for a 30-day period
 * (2 % of the budget in 1 h, 5 % in 6 h page; 10 % in 1 d and 3 d open a ticket). Both windows must
 * burn: the long one proves it is not a blip, the short one that it is still going on, so an alert
 * resets minutes after the burn stops.
 */
export const BURN_RATE_ALERTS = [
  { severity: 'page', factor: 14.4, long: '1h', short: '5m' },
  { severity: 'page', factor: 6, long: '6h', short: '30m' },
  { severity: 'ticket', factor: 3, long: '1d', short: '2h' },
  { severity: 'ticket', factor: 1, long: '3d', short: '6h' },
];
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
/** The budget's period; the burn-rate factors above are for it. */
const PERIOD = '30d';

const METRIC = 'ledgerline_tool_call_duration_seconds';
const NAME = /^[a-z][a-z0-9_]*$/; // tool and outcome names: they go into PromQL regexes unescaped

/** A slos.json that cannot be turned into rules: says which field and why. */
export class SloFileError extends Error {}

function fail(path, message) {
  throw new SloFileError(`slos.json: ${path} ${message}`);
}

function objectAt(value, path, keys) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  for (const key of Object.keys(value)) if (!keys.includes(key)) fail(path, `has an unknown field "${key}" (known: ${keys.join(', ')})`);
  return value;
}

function percentAt(value, path) {
  if (typeof value !== 'number' || !(value > 0 && value < 100)) fail(path, `must be a percentage above 0 and below 100, not ${JSON.stringify(value)}`);
  return value;
}

function namesAt(value, path) {
  if (!Array.isArray(value) || value.length === 0) fail(path, 'must be a non-empty list of names');
  for (const name of value) if (typeof name !== 'string' || !NAME.test(name)) fail(path, `has ${JSON.stringify(name)}, not a name of lowercase letters, digits and _`);
  return value;
}

function availabilityAt(value, path) {
  return { objectivePercent: percentAt(objectAt(value, path, ['objectivePercent']).objectivePercent, `${path}.objectivePercent`) };
}

function latencyAt(value, path, inherited) {
  const latency = { ...inherited, ...objectAt(value, path, ['objectivePercent', 'thresholdMs']) };
  percentAt(latency.objectivePercent, `${path}.objectivePercent`);
  if (!BUCKETS_MS.includes(latency.thresholdMs)) {
    fail(`${path}.thresholdMs`, `is ${JSON.stringify(latency.thresholdMs)}, not a bucket boundary of ${METRIC} (ms: ${BUCKETS_MS.join(', ')})`);
  }
  return latency;
}

/**
 * The objectives of slos.json, checked, with each listed tool's objectives completed from the
 * default: `{ outcomes, default, tools: { [tool]: { availability, latency } } }`.
 */
export function parseSlos(json) {
  const file = objectAt(json, '(top level)', ['description', 'outcomes', 'default', 'tools']);
  const outcomes = objectAt(file.outcomes, 'outcomes', ['caller', 'platform']);
  const caller = namesAt(outcomes.caller, 'outcomes.caller');
  const platform = namesAt(outcomes.platform, 'outcomes.platform');
  for (const name of [...caller, ...platform]) {
    if (name === 'ok') fail('outcomes', 'lists "ok", which is neither the caller\'s fault nor the platform\'s');
    if (caller.includes(name) && platform.includes(name)) fail('outcomes', `lists "${name}" as both the caller's and the platform's`);
  }
  const defaults = objectAt(file.default, 'default', ['availability', 'latency']);
  const fallback = { availability: availabilityAt(defaults.availability, 'default.availability'), latency: latencyAt(defaults.latency, 'default.latency', {}) };
  const tools = {};
  for (const [tool, value] of Object.entries(objectAt(file.tools ?? {}, 'tools', Object.keys(file.tools ?? {})))) {
    if (!NAME.test(tool)) fail('tools', `has "${tool}", not a tool name of lowercase letters, digits and _`);
    const override = objectAt(value, `tools.${tool}`, ['availability', 'latency']);
    tools[tool] = {
      availability: override.availability === undefined ? fallback.availability : availabilityAt(override.availability, `tools.${tool}.availability`),
      latency: override.latency === undefined ? fallback.latency : latencyAt(override.latency, `tools.${tool}.latency`, fallback.latency),
    };
  }
  return { outcomes: { caller, platform }, default: fallback, tools };
}

/** 99.9 → 0.999, without the float's tail (0.9990000000000001). */
const ratioOf = (percent) => Number((percent / 100).toPrecision(12));

/**
 * The tools that share one objective, as label matchers: each distinct objective of the listed
 * tools matches its tools by name, the default matches every other tool (so a tool nobody listed,
 * a new one included, has the default's objectives).
 */
function objectiveGroups(slos, objectiveOf) {
  const listed = Object.keys(slos.tools);
  const byKey = new Map();
  for (const tool of listed) {
    const objective = objectiveOf(slos.tools[tool]);
    const key = JSON.stringify(objective);
    if (key === JSON.stringify(objectiveOf(slos.default))) continue;
    byKey.set(key, { objective, tools: [...(byKey.get(key)?.tools ?? []), tool] });
  }
  const overridden = [...byKey.values()].flatMap((group) => group.tools);
  return [
    { objective: objectiveOf(slos.default), matcher: overridden.length > 0 ? `tool!~"${overridden.join('|')}"` : '' },
    ...[...byKey.values()].map(({ objective, tools }) => ({ objective, matcher: tools.length === 1 ? `tool="${tools[0]}"` : `tool=~"${tools.join('|')}"` })),
  ];
}

const selector = (...matchers) => {
  const present = matchers.filter(Boolean);
  return present.length > 0 ? `{${present.join(', ')}}` : '';
};

/**
 * One expression for the groups' parts: their tool matchers are disjoint, so `or` only joins them
 * (one rule per recorded name; promtool's lint refuses two rules recording the same series).
 */
const union = (parts) => (parts.length === 1 ? parts[0] : parts.map((part) => `(\n${part.replace(/^/gm, '  ')}\n)`).join('\nor\n'));

/** Each tool's objective as a series (for the alerts' thresholds and the budget), for every tool that has a call series. */
const objectiveSeries = (groups) => union(groups.map(({ objective, matcher }) => `${ratioOf(objective.objectivePercent)} * group by (tool) (${METRIC}_count${selector(matcher)})`));

/** Prometheus 3 writes the `le` of a classic histogram as a float ("1.0" where prom-client says "1"); this matches both. */
function leMatcher(thresholdMs) {
  const le = String(thresholdMs / 1000);
  return Number.isInteger(thresholdMs / 1000) ? `le=~"${le}(\\\\.0)?"` : `le="${le}"`;
}

/** A ratio that is 0, not absent, when the numerator's series do not exist yet (no error since the process started). */
const ratioOrZero = (numerator, denominator) => `(\n  ${numerator}\n  or on (tool)\n  0 * ${denominator}\n)\n/ on (tool)\n${denominator}`;

function availabilityRules(slos) {
  const errors = `outcome!~"${['ok', ...slos.outcomes.caller].join('|')}"`;
  const callsOver = (window, ...matchers) => `sum by (tool) (rate(${METRIC}_count${selector(...matchers)}[${window}]))`;
  return [
    { record: 'ledgerline:tool_availability_objective:ratio', expr: objectiveSeries(objectiveGroups(slos, (tool) => tool.availability)) },
    ...WINDOWS.map((window) => ({ record: `ledgerline:tool_call_errors:ratio_rate${window}`, expr: ratioOrZero(callsOver(window, errors), callsOver(window)) })),
    // The period's ratio from 5-minute rates (sums of rates, not an average of ratios: a quiet hour
    // weighs what its calls weigh), so no rule reads 30 days of raw samples.
    { record: 'ledgerline:tool_call_errors:rate5m', expr: `${callsOver('5m', errors)}\nor on (tool)\n0 * ${callsOver('5m')}` },
    { record: 'ledgerline:tool_calls:rate5m', expr: callsOver('5m') },
    {
      record: `ledgerline:tool_call_errors:ratio_rate${PERIOD}`,
      expr: `sum_over_time(ledgerline:tool_call_errors:rate5m[${PERIOD}])\n/ on (tool)\nsum_over_time(ledgerline:tool_calls:rate5m[${PERIOD}])`,
    },
    {
      record: 'ledgerline:tool_availability_error_budget_remaining:ratio',
      expr: `1 - ledgerline:tool_call_errors:ratio_rate${PERIOD} / on (tool) (1 - ledgerline:tool_availability_objective:ratio)`,
    },
  ];
}

function latencyRules(slos) {
  const groups = objectiveGroups(slos, (tool) => tool.latency);
  // One rule per objective group: each group counts its calls under its own bucket boundary.
  const fastOver = (window) => groups.map(({ objective, matcher }) => ({
    objective,
    numerator: `sum by (tool) (rate(${METRIC}_bucket${selector('outcome="ok"', leMatcher(objective.thresholdMs), matcher)}[${window}]))`,
    denominator: `sum by (tool) (rate(${METRIC}_count${selector('outcome="ok"', matcher)}[${window}]))`,
  }));
  return [
    { record: 'ledgerline:tool_latency_objective:ratio', expr: objectiveSeries(groups) },
    ...WINDOWS.map((window) => ({
      record: `ledgerline:tool_call_latency_good:ratio_rate${window}`,
      expr: union(fastOver(window).map(({ numerator, denominator }) => `${numerator}\n/ on (tool)\n${denominator}`)),
    })),
    { record: 'ledgerline:tool_calls_ok_fast:rate5m', expr: union(fastOver('5m').map(({ numerator }) => numerator)) },
    { record: 'ledgerline:tool_calls_ok:rate5m', expr: union(fastOver('5m').map(({ denominator }) => denominator)) },
    {
      record: `ledgerline:tool_call_latency_good:ratio_rate${PERIOD}`,
      expr: `sum_over_time(ledgerline:tool_calls_ok_fast:rate5m[${PERIOD}])\n/ on (tool)\nsum_over_time(ledgerline:tool_calls_ok:rate5m[${PERIOD}])`,
    },
    {
      record: 'ledgerline:tool_latency_error_budget_remaining:ratio',
      expr: `1 - (1 - ledgerline:tool_call_latency_good:ratio_rate${PERIOD}) / on (tool) (1 - ledgerline:tool_latency_objective:ratio)`,
    },
  ];
}

/** The page and the ticket alert of one SLO: each fires when both windows of any of its pairs burn faster than the pair's factor. */
function burnRateAlerts({ name, what, badRatioOver, objective }) {
  return ['page', 'ticket'].map((severity) => {
    const pairs = BURN_RATE_ALERTS.filter((pair) => pair.severity === severity);
    const over = (window, factor) => `${badRatioOver(window)} > on (tool) (${factor} * (1 - ${objective}))`;
    return {
      alert: `${name}${severity === 'page' ? 'FastBurn' : 'SlowBurn'}`,
      expr: pairs.map(({ factor, long, short }) => `(\n  ${over(long, factor)}\n  and on (tool)\n  ${over(short, factor)}\n)`).join('\nor on (tool)\n'),
      labels: { severity, slo: what },
      annotations: {
        summary: `Tool {{ $labels.tool }} is spending its ${what} error budget ${severity === 'page' ? 'fast' : 'steadily'}`,
        description: `${pairs.map(({ factor, long, short }) => `${factor}x over ${long} and ${short}`).join(', or ')} (${PERIOD} budget); see docs/observability.md#slos`,
      },
    };
  });
}

/** The rule groups for `slos` (as parseSlos returns them). */
export function sloRuleGroups(slos) {
  return [
    {
      name: 'ledgerline-slo-availability',
      rules: [
        ...availabilityRules(slos),
        ...burnRateAlerts({ name: 'LedgerlineToolAvailability', what: 'availability', badRatioOver: (window) => `ledgerline:tool_call_errors:ratio_rate${window}`, objective: 'ledgerline:tool_availability_objective:ratio' }),
      ],
    },
    {
      name: 'ledgerline-slo-latency',
      rules: [
        ...latencyRules(slos),
        ...burnRateAlerts({ name: 'LedgerlineToolLatency', what: 'latency', badRatioOver: (window) => `(1 - ledgerline:tool_call_latency_good:ratio_rate${window})`, objective: 'ledgerline:tool_latency_objective:ratio' }),
      ],
    },
  ];
}

/**
 * YAML for the rule groups, written by hand for this one shape (no YAML library is a dependency):
 * expressions as literal blocks, every other string JSON-quoted (JSON strings are YAML double-quoted scalars).
 */
function toYaml(groups) {
  const block = (text, indent) => `|-\n${text.split('\n').map((line) => `${' '.repeat(indent)}${line}`).join('\n')}`;
  const map = (object, indent) => Object.entries(object).map(([key, value]) => `${' '.repeat(indent)}${key}: ${JSON.stringify(value)}`).join('\n');
  const lines = [
    `# Generated by deploy/prometheus/generate-slo-rules.mjs from slos.json: do not edit by hand;`,
    `# change slos.json and run \`node deploy/prometheus/generate-slo-rules.mjs\` (docs/observability.md#slos).`,
    'groups:',
  ];
  for (const group of groups) {
    lines.push(`  - name: ${group.name}`, '    rules:');
    for (const rule of group.rules) {
      lines.push(rule.record ? `      - record: ${rule.record}` : `      - alert: ${rule.alert}`);
      lines.push(`        expr: ${block(rule.expr, 10)}`);
      if (rule.labels) lines.push('        labels:', map(rule.labels, 10));
      if (rule.annotations) lines.push('        annotations:', map(rule.annotations, 10));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The text of slo.rules.yml for the objectives `json` (slos.json's content, parsed). */
export function generateRules(json) {
  return toYaml(sloRuleGroups(parseSlos(json)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rules = generateRules(JSON.parse(readFileSync(SLOS_FILE, 'utf8')));
  const target = relative(process.cwd(), RULES_FILE);
  if (process.argv.includes('--check')) {
    if (readFileSync(RULES_FILE, 'utf8') !== rules) {
      console.error(`${target} is not the rules of slos.json: run node deploy/prometheus/generate-slo-rules.mjs`);
      process.exit(1);
    }
    console.log(`${target} is up to date`);
  } else {
    writeFileSync(RULES_FILE, rules);
    console.log(`wrote ${target}`);
  }
}
