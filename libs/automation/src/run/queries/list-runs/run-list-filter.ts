import { ValidationError, type CommandMetadata } from '#core';
import { z } from 'zod';
import { AUTOMATION_NAME_PATTERN } from '../../../definition/index.js';
import { RUNS_ADMIN_SCOPE } from '../../run-scopes.js';
import { RUN_STATUSES, type RunStatus } from '../../run.state.js';
import { decodeRunListCursor, type RunListPosition } from './run-list-cursor.js';

export const MAX_RUN_PAGE = 100;
export const DEFAULT_RUN_PAGE = 20;

/** The run list's filters as callers give them (run_list's arguments, GET /v1/runs's query), validated alike. */
export const runListInput = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  automation: z.string().regex(AUTOMATION_NAME_PATTERN, 'an automation name').optional().describe('only runs of this automation'),
  allUsers: z.boolean().default(false).describe(`every user's runs, with the scope ${RUNS_ADMIN_SCOPE}`),
  requester: z.string().min(1).max(256).optional().describe('with allUsers: only the runs this user started'),
  since: z.iso.datetime({ offset: true }).optional().describe('started at or after (ISO-8601)'),
  until: z.iso.datetime({ offset: true }).optional().describe('started before (ISO-8601, exclusive)'),
  limit: z.number().int().min(1).max(MAX_RUN_PAGE).default(DEFAULT_RUN_PAGE),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page (opaque)'),
});
export type RunListInput = z.infer<typeof runListInput>;

/** What RunViews.listRuns reads, newest first. */
export interface RunListFilter {
  /** Only the runs this user started; undefined: every user's. */
  startedBy?: string;
  status?: RunStatus;
  automation?: string;
  /** [since, until) on the start time, ISO-8601 UTC with milliseconds as the log records it. */
  since?: string;
  until?: string;
  limit: number;
  /** Keyset: only the runs after this one in the list. */
  after?: RunListPosition;
}

/**
 * The filter for this caller: its own runs, or with allUsers (runs:admin) every user's or the
 * requester's. @throws ValidationError: `run.list_all_needs_admin`, `run.invalid_filter`, `run.invalid_cursor`.
 */
export function runListFilterOf(input: RunListInput, metadata: CommandMetadata): RunListFilter {
  const { allUsers, requester, since, until, cursor, ...rest } = input;
  if (allUsers && !metadata.scopes.includes(RUNS_ADMIN_SCOPE)) throw new ValidationError('run.list_all_needs_admin', `allUsers needs the scope ${RUNS_ADMIN_SCOPE}`);
  if (requester !== undefined && !allUsers) throw invalidFilter('requester: only with allUsers (without it, the list holds your own runs)', [{ path: 'requester', message: 'only with allUsers' }]);
  const range = { since: since === undefined ? undefined : utc(since), until: until === undefined ? undefined : utc(until) };
  if (range.since !== undefined && range.until !== undefined && range.since >= range.until) throw invalidFilter('since must be before until', [{ path: 'since', message: 'must be before until' }]);
  const startedBy = allUsers ? requester : metadata.userId;
  return {
    ...rest,
    ...(startedBy !== undefined && { startedBy }),
    ...(range.since !== undefined && { since: range.since }),
    ...(range.until !== undefined && { until: range.until }),
    ...(cursor !== undefined && { after: decodeRunListCursor(cursor) }),
  };
}

function invalidFilter(message: string, issues: Array<{ path: string; message: string }>): ValidationError {
  return new ValidationError('run.invalid_filter', `invalid run filter: ${message}`, { issues });
}

function utc(iso: string): string {
  return new Date(iso).toISOString();
}
