// The tenant the console bench seeds: its automations, its people, and what each run does. Drawn
// from a seeded generator, so every run of the bench seeds the same tenant.
import { v7 as uuidv7 } from 'uuid';
import { seededRandom } from '../../test/support/seeded-random.js';

/** A step of a seeded automation: a call to a connector, or (without one) an approval. */
export interface SeedStep {
  id: string;
  connector?: string;
}

export interface SeedAutomation {
  name: string;
  /** Its share of the runs. */
  weight: number;
  timeoutSeconds: number;
  steps: SeedStep[];
}

export type RunOutcome = 'completed' | 'failed' | 'cancelled' | 'running';

/** A run as the seed plays it. A running run waits at its approval, the only place a run stays unfinished for days without the saga acting on it. */
export interface RunPlan {
  runId: string;
  automation: SeedAutomation;
  startedBy: string;
  /** Who decides its approval (never its starter). */
  approver: string;
  outcome: RunOutcome;
  /** The step (index) where it fails, is cancelled after, or waits; the last step for a completed run. */
  endsAt: number;
  /** Steps (indexes) whose first call attempt failed and was retried. */
  retried: ReadonlySet<number>;
}

const DAY_SECONDS = 86_400;

export const SEED_AUTOMATIONS: readonly SeedAutomation[] = [
  { name: 'invoice_sync', weight: 30, timeoutSeconds: DAY_SECONDS, steps: [{ id: 'fetch_invoice', connector: 'erp' }, { id: 'post_ledger', connector: 'ledger' }, { id: 'notify', connector: 'mail' }] },
  { name: 'onboard_customer', weight: 25, timeoutSeconds: DAY_SECONDS, steps: [{ id: 'create_account', connector: 'crm' }, { id: 'create_customer', connector: 'erp' }, { id: 'welcome', connector: 'mail' }, { id: 'tag', connector: 'crm' }] },
  { name: 'sync_orders', weight: 20, timeoutSeconds: DAY_SECONDS, steps: [{ id: 'list_orders', connector: 'shop' }, { id: 'reserve', connector: 'erp' }, { id: 'invoice', connector: 'ledger' }, { id: 'ship', connector: 'shipping' }, { id: 'confirm', connector: 'shop' }, { id: 'notify', connector: 'mail' }] },
  { name: 'refund', weight: 15, timeoutSeconds: 30 * DAY_SECONDS, steps: [{ id: 'ask' }, { id: 'refund', connector: 'payments' }, { id: 'notify', connector: 'mail' }] },
  { name: 'access_request', weight: 10, timeoutSeconds: 30 * DAY_SECONDS, steps: [{ id: 'ask' }, { id: 'grant', connector: 'iam' }, { id: 'record', connector: 'ledger' }, { id: 'notify', connector: 'mail' }] },
];

/** People who start runs, most active first (a Zipf share each). */
export const STARTERS = ['ada', 'ben', 'chloe', 'dev', 'emma', 'finn', 'gus', 'hana', 'ivan', 'jon', 'kim', 'lea'] as const;
/** Someone who started a run now and then: RARE_RUNS runs, however many the others start. Filtering the audit trail by them finds few entries in a long log. */
export const RARE_STARTER = 'eve';
const RARE_RUNS = 20;
export const APPROVERS = ['mia', 'omar'] as const;
/** Publishes the automations. */
export const TENANT_ADMIN = 'root';

const FAILED = 0.08;
const CANCELLED = 0.04;
/** Of the runs of an automation with an approval: still waiting for it. */
const WAITING = 0.1;
const RETRIED_CALL = 0.06;

/** Plans `count` runs, each as it starts: `now()` is then the log's clock (its id is a UUIDv7 of it). */
export function* runPlans(count: number, now: () => number): Generator<RunPlan> {
  const random = seededRandom(20_261_206);
  const pick = <T>(items: readonly T[], weights: readonly number[]): T => {
    let left = random() * weights.reduce((sum, weight) => sum + weight, 0);
    for (const [index, item] of items.entries()) if ((left -= weights[index]!) < 0) return item;
    return items[items.length - 1]!;
  };
  const starterWeights = STARTERS.map((_, rank) => 1 / (rank + 1));
  const rareEvery = Math.max(2, Math.floor(count / RARE_RUNS));
  for (let n = 0; n < count; n++) {
    const automation = pick(SEED_AUTOMATIONS, SEED_AUTOMATIONS.map((a) => a.weight));
    const approval = automation.steps.findIndex((step) => step.connector === undefined);
    const calls = automation.steps.flatMap((step, index) => (step.connector === undefined ? [] : [index]));
    const draw = random();
    const outcome: RunOutcome = draw < FAILED ? 'failed' : draw < FAILED + CANCELLED ? 'cancelled' : approval >= 0 && draw < FAILED + CANCELLED + WAITING ? 'running' : 'completed';
    // Failures are at a call (or a denied approval); cancellations at the approval or after a step before the last.
    const endsAt = outcome === 'running' ? approval
      : outcome === 'failed' ? (approval >= 0 && random() < 0.3 ? approval : calls[Math.floor(random() * calls.length)]!)
        : outcome === 'cancelled' ? Math.floor(random() * (automation.steps.length - 1))
          : automation.steps.length - 1;
    const retried = new Set(calls.filter(() => random() < RETRIED_CALL));
    const startedBy = n % rareEvery === rareEvery - 1 ? RARE_STARTER : pick(STARTERS, starterWeights);
    yield { runId: `run-${uuidv7({ msecs: now() })}`, automation, startedBy, approver: APPROVERS[n % APPROVERS.length]!, outcome, endsAt, retried };
  }
}
