import { RunFinishedError, RunNotFoundError, NotYourRunError } from '../../run.errors.js';
import type { RunEvent } from '../../run.events.js';
import { isFinal, type RunState } from '../../run.state.js';

export interface CancelRun {
  runId: string;
  reason: string;
  requestedBy: string;
  mayCancelAnyRun: boolean;
}

/** Cancelling asks the saga to stop; a second request while it stops changes nothing. */
export function decideCancelRun(command: CancelRun, state: RunState): RunEvent[] {
  if (state.status === 'none') throw new RunNotFoundError(command.runId);
  if (state.startedBy !== command.requestedBy && !command.mayCancelAnyRun) throw new NotYourRunError(command.runId);
  if (isFinal(state)) throw new RunFinishedError(command.runId, state.status);
  if (state.status === 'cancelling') return [];
  return [{ type: 'RunCancelRequested', data: { reason: command.reason, requestedBy: command.requestedBy } }];
}
