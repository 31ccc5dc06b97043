// Writes a tenant's history straight into the embedded event store, before the platform starts:
// its automations published, then its runs, interleaved as the saga interleaves them (a few runs
// in flight, each append of each run in turn). The store's clock is the seed's: the log spans the
// last days up to now, so recorded times and the times in the events agree.
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { JsonObject } from '#core';
import { SqliteEventStore, type EventStore } from '#event-store';
import { openPersonalDataVault } from '#keys';
import { parseAutomationDefinition } from '../../libs/automation/src/definition/index.js';
import { movesOf, type RunMove } from './run-moves.js';
import { runPlans, SEED_AUTOMATIONS, TENANT_ADMIN, type RunOutcome, type RunPlan } from './run-plans.js';

export interface SeedOptions {
  runs: number;
  /** The log's runs start evenly over this many days, up to now. */
  days: number;
  /** Runs under way at once: the width of the interleaving. */
  inFlight: number;
  /** Only runs that ended (no run left waiting at an approval): a history the platform has nothing more to do for. */
  finishedOnly?: boolean;
}

export interface SeededTenant {
  runs: number;
  events: number;
  byOutcome: Record<RunOutcome, number>;
  seconds: number;
  /** A completed run of exactly 10 events, from the middle of the log: the run page the bench reads. */
  timelineRunId: string;
  /** The last run started: the first of the runs list once the view has caught up. */
  newestRunId: string;
}

interface RunUnderWay {
  plan: RunPlan;
  moves: RunMove[];
  written: number;
  version: number;
}

export async function seedTenant(dataDir: string, tenantId: string, options: SeedOptions): Promise<SeededTenant> {
  const began = performance.now();
  const until = Date.now();
  const from = until - options.days * 86_400_000;
  let started = 0;
  const now = (): number => Math.round(from + (started / options.runs) * (until - from));
  const store = SqliteEventStore.open({ path: join(dataDir, 'events.db'), synchronous: 'NORMAL', clock: () => new Date(now()), newEventId: () => uuidv7({ msecs: now() }) });
  const { vault, close } = await openPersonalDataVault({ kind: 'sqlite', dataDir }, { dataDir });
  const byOutcome: Record<RunOutcome, number> = { completed: 0, failed: 0, cancelled: 0, running: 0 };
  let events = await publishAutomations(store, tenantId);
  let timelineRunId: string | undefined;
  let newestRunId = '';
  try {
    // Finished runs only: the plans go on past the runs left out (about 3 in 100), so `runs` are written all the same.
    const plans = runPlans(options.finishedOnly ? Math.ceil(options.runs * 1.25) : options.runs, now);
    let underWay: RunUnderWay[] = [];
    for (;;) {
      while (underWay.length < options.inFlight && started < options.runs) {
        const plan = plans.next().value as RunPlan;
        if (options.finishedOnly && plan.outcome === 'running') continue;
        started += 1;
        newestRunId = plan.runId;
        byOutcome[plan.outcome] += 1;
        underWay.push({ plan, moves: movesOf(plan, (value) => vault.sealValue(tenantId, plan.startedBy, value, plan.runId)), written: 0, version: 0 });
      }
      if (underWay.length === 0) break;
      const at = now();
      const appends = await Promise.all(underWay.map((run) => run.moves[run.written]!(at)));
      // One commit group: every run's next append, each expecting the version its stream is at.
      await Promise.all(underWay.map((run, index) => store.append(tenantId, run.plan.runId, run.version === 0 ? 'no-stream' : run.version, appends[index]!)));
      for (const [index, run] of underWay.entries()) {
        run.version += appends[index]!.length;
        run.written += 1;
        events += appends[index]!.length;
        const middle = started >= options.runs / 2 && run.written === run.moves.length;
        if (middle && !timelineRunId && run.plan.outcome === 'completed' && run.version === 10) timelineRunId = run.plan.runId;
      }
      underWay = underWay.filter((run) => run.written < run.moves.length);
    }
  } finally {
    await close();
    await store.close();
  }
  if (!timelineRunId) throw new Error('the seed has no completed run of 10 events to show');
  return { runs: started, events, byOutcome, seconds: (performance.now() - began) / 1000, timelineRunId, newestRunId };
}

/** Version 1 of every seeded automation, as a tenant admin publishes it (definitions with their defaults applied). */
async function publishAutomations(store: EventStore, tenantId: string): Promise<number> {
  for (const automation of SEED_AUTOMATIONS) {
    const definition = parseAutomationDefinition({
      name: automation.name, title: automation.name.replace('_', ' '), description: `Seeded ${automation.name}.`, timeoutSeconds: automation.timeoutSeconds,
      inputSchema: { type: 'object', properties: { customer: { type: 'string' }, amount: { type: 'number' }, email: { type: 'string' } }, required: ['customer'] },
      steps: automation.steps.map((step) => step.connector === undefined
        ? { id: step.id, type: 'approval', prompt: 'Go ahead for {{input.customer}}?' }
        : { id: step.id, type: 'call', connector: step.connector, request: { method: 'POST', path: `/${step.id}/{{input.customer}}` } }),
    });
    await store.append(tenantId, `automation-${automation.name}`, 'no-stream', [{
      type: 'AutomationPublished', data: { name: automation.name, version: 1, definition: definition as unknown as JsonObject },
      metadata: { userId: TENANT_ADMIN, clientId: 'ledgerline-console', grantId: `grant-console-${TENANT_ADMIN}`, scopes: ['automations:admin'], tool: 'rest:POST /v1/automations', correlationId: uuidv7() },
    }]);
  }
  return SEED_AUTOMATIONS.length;
}
