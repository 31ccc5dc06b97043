import type { ConnectorEgress, DryConnector } from '#connectors';
import { answerDryCall } from '../run/commands/dry-run/answer-dry-call.js';
import { dryCallRenderer } from '../run/commands/dry-run/dry-connectors.js';
import type { ActiveRunState } from '../run/run.state.js';
import { compareShadowRun, type ShadowRunInput } from './compare-shadow-run.js';
import { liveRunRecord, type TimedRunEvent } from './live-run-record.js';
import type { ShadowComparison } from './shadow.events.js';

/**
 * Everything a shadow comparison reads, read beforehand (the comparison itself is pure): plain
 * data. It holds no connector secret (a DryConnector says whether there is one, never what), but
 * it does hold the run's personal data opened (its input and outputs, as the saga holds them
 * while it drives the run): it is never logged, stored or sent anywhere.
 */
export interface ShadowJob extends Omit<ShadowRunInput, 'record' | 'render'> {
  /** The live run's events after RunStarted, each with its time, the unsaved ones last. */
  timeline: TimedRunEvent[];
  /** The live run's final state, its outputs opened. */
  final: ActiveRunState;
  /** Every connector either version's call steps name, as the comparison's first look saw it; a call to any other is a fault of the reader (the comparison fails). */
  connectors: Record<string, DryConnector>;
}

/**
 * The comparison of one job (compareShadowRun): both plans see each connector as the job holds
 * it, and a call both versions make alike is rendered once.
 */
export function runShadowJob(job: ShadowJob, egress: ConnectorEgress): Promise<ShadowComparison> {
  const render = dryCallRenderer(job.connectors, egress);
  return compareShadowRun({
    runId: job.runId, automation: job.automation, live: job.live, shadow: job.shadow,
    input: job.input, startedBy: job.startedBy, startedAt: job.startedAt,
    ...(job.policyApproval && { policyApproval: job.policyApproval }),
    record: liveRunRecord(job.timeline, job.final),
    render: (action, step, answer) => answerDryCall(() => render(action), action, step, answer),
  });
}
