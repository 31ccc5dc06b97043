import { ForbiddenError, IllegalStateError, NotFoundError } from '#core';

export class RunNotFoundError extends NotFoundError {
  constructor(runId: string) {
    super('run.not_found', `no run ${runId} in this tenant`, { runId });
  }
}

export class RunFinishedError extends IllegalStateError {
  constructor(runId: string, status: string) {
    super('run.finished', `run ${runId} has already finished (${status})`, { runId, status });
  }
}

export class NotYourRunError extends ForbiddenError {
  constructor(runId: string) {
    super('run.not_yours', `run ${runId} was started by another user; acting on it needs the scope runs:admin`, { runId });
  }
}
