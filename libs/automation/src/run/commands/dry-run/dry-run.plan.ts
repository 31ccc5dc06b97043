import type { JsonValue } from '#core';

/** A request as it would be sent: the connector's secret (and any on-behalf-of assertion) shown as "[secret]". */
export interface PlannedRequest {
  method: string;
  /** Empty when the request was refused before a URL could be made of it (the attempt's code says why). */
  url: string;
  headers: Record<string, string>;
  body: JsonValue;
}

export interface PlannedAttempt {
  attempt: number;
  /** When the attempt would be made, on the dry run's clock (waits and retry delays are added, not waited). */
  at: string;
  outcome: 'succeeded' | 'retry' | 'failed';
  status: number | null;
  code: string | null;
  retryAt: string | null;
}

export type PlannedStep =
  | {
      stepId: string;
      type: 'call';
      connector: string;
      request: PlannedRequest;
      /** From the static checks only (allow-list, IP literals): a dry run resolves no name. */
      egress: 'allowed' | 'refused';
      /** Whether the connector's outbound rate would hold the call back now (peeked, no token taken). */
      rate: { heldBack: boolean; retryAfterMs: number };
      /** The simulated answer of the last attempt (the step's dryRunResponse, or an empty 200); null when refused before sending. */
      response: { status: number; body: JsonValue } | null;
      attempts: PlannedAttempt[];
    }
  /** `next`: the step the run goes on with, or 'complete' / 'fail'. */
  | { stepId: string; type: 'condition'; result: boolean; next: string }
  | { stepId: string; type: 'wait'; until: string }
  | {
      stepId: string;
      type: 'approval';
      prompt: JsonValue;
      /**
       * Who could decide it: a user with this scope other than the one who starts the run (and in
       * `group`, when the step names one; in one of `groups` for the policies' approval).
       */
      approvers: { scope: string; notUser: string; group?: string; groups?: string[] };
      /** The policies that ask for it, for the approval before the first step (stepId `policy-gate`). */
      policies?: string[];
      deadlineAt: string | null;
      /** The reminders and escalation it would send while waiting, had it not been granted at once; none is sent. */
      notices?: PlannedNotice[];
      /** Nobody is asked in a dry run: it goes on as if the approval were granted. */
      assumed: 'granted';
    }
  | { stepId: string; type: 'skipped'; reason: string };

/** A reminder or the escalation an approval would send to its notify connector, and when. */
export interface PlannedNotice {
  kind: 'reminder' | 'escalation';
  connector: string;
  path: string;
  /** The group an escalation offers the approval to. */
  group: string | null;
  n: number | null;
  dueAt: string;
}

export type DryRunOutcome = 'completed' | 'failed' | 'timed_out' | 'undecided';

export interface DryRunPlan {
  dryRunId: string;
  automation: string;
  version: number;
  outcome: DryRunOutcome;
  error: { stepId: string | null; code: string; message: string } | null;
  steps: PlannedStep[];
}
