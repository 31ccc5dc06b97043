import type { VNode } from 'preact';
import { ApiError } from '../api/console-api.js';
import { CsrfField, Empty, ErrorSummary, FieldError, NextPage, Notice, StatusTag, TableRegion, Time, type Problem } from '../pages/components.js';
import { formText, page, redirect, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { Timeline } from './run-timeline.js';
import { FINISHED, RUN_STATUSES, type RunDetails, type RunEventEntry, type RunSummary } from './runs.types.js';

const NOTICES: Record<string, string> = { cancelled: 'Cancellation asked: the run stops at its next step and compensates what it must.' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Filters {
  status: string;
  automation: string;
  requester: string;
  from: string;
  to: string;
  all: boolean;
}

function filtersOf(context: PageContext): { filters: Filters; problems: Problem[] } {
  const q = context.query;
  const filters: Filters = {
    status: q.get('status') ?? '',
    automation: (q.get('automation') ?? '').trim(),
    requester: (q.get('requester') ?? '').trim(),
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    all: q.get('all') === '1' && hasScope(context.session, 'runs:admin'),
  };
  const problems: Problem[] = [];
  if (filters.status !== '' && !(RUN_STATUSES as readonly string[]).includes(filters.status)) problems.push({ field: 'status', message: 'Choose a status from the list.' });
  if (filters.from !== '' && !validDate(filters.from)) problems.push({ field: 'from', message: 'Enter the start date as YYYY-MM-DD.' });
  if (filters.to !== '' && !validDate(filters.to)) problems.push({ field: 'to', message: 'Enter the end date as YYYY-MM-DD.' });
  if (problems.length === 0 && filters.from !== '' && filters.to !== '' && filters.from > filters.to) problems.push({ field: 'to', message: 'The end date must be on or after the start date.' });
  return { filters, problems };
}

function validDate(value: string): boolean {
  return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

function nextDay(value: string): string {
  return new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString();
}

/** A run's short name: the random end of its id (the start of a UUIDv7 is its time, shared by runs of the same minute). */
export function shortRunId(runId: string): string {
  return runId.slice(-12);
}

function FilterForm({ filters, problems, admin }: { filters: Filters; problems: readonly Problem[]; admin: boolean }): VNode {
  const invalid = (id: string): string => (problems.some((problem) => problem.field === id) ? ' ll-field-invalid' : '');
  return (
    <form method="get" action="/console/runs" class="ll-filters" role="search" aria-label="Filter runs">
      <div class={`ll-field${invalid('status')}`}>
        <label for="status">Status</label>
        <FieldError id="status" problems={problems} />
        <select id="status" name="status">
          <option value="">Any</option>
          {RUN_STATUSES.map((status) => <option value={status} selected={filters.status === status}>{status.replace('_', ' ')}</option>)}
        </select>
      </div>
      <div class="ll-field">
        <label for="automation">Automation</label>
        <input id="automation" name="automation" value={filters.automation} maxLength={64} autocomplete="off" />
      </div>
      {admin && (
        <>
          <div class="ll-field">
            <label for="requester">Started by</label>
            <input id="requester" name="requester" value={filters.requester} maxLength={128} autocomplete="off" />
          </div>
          <div class="ll-field ll-check">
            <input type="checkbox" id="all" name="all" value="1" checked={filters.all} />
            <label for="all">Everyone's runs</label>
          </div>
        </>
      )}
      <div class={`ll-field${invalid('from')}`}>
        <label for="from">Started from (UTC date)</label>
        <FieldError id="from" problems={problems} />
        <input id="from" name="from" type="date" value={filters.from} />
      </div>
      <div class={`ll-field${invalid('to')}`}>
        <label for="to">Started until (UTC date)</label>
        <FieldError id="to" problems={problems} />
        <input id="to" name="to" type="date" value={filters.to} />
      </div>
      <div class="ll-actions"><button type="submit">Filter</button> <a href="/console/runs">Clear</a></div>
    </form>
  );
}

async function runsPage(context: PageContext): Promise<PageResult> {
  const { filters, problems } = filtersOf(context);
  const admin = hasScope(context.session, 'runs:admin');
  let runs: RunSummary[] = [];
  let nextCursor: string | null = null;
  if (problems.length === 0) {
    try {
      ({ runs, nextCursor } = await context.api.get<{ runs: RunSummary[]; nextCursor: string | null }>('/v1/runs', {
        status: filters.status,
        automation: filters.automation,
        requester: filters.all ? filters.requester : undefined,
        allUsers: filters.all ? 'true' : undefined,
        since: filters.from === '' ? undefined : `${filters.from}T00:00:00.000Z`,
        until: filters.to === '' ? undefined : nextDay(filters.to),
        cursor: context.query.get('cursor') ?? undefined,
        limit: 25,
      }));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      problems.push({ message: error.message });
    }
  }
  return page('Runs', (
    <>
      <ErrorSummary problems={problems} />
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <h1>Runs</h1>
      <FilterForm filters={filters} problems={problems} admin={admin} />
      {problems.length > 0 ? null : runs.length === 0 ? (
        <Empty>No run matches these filters.</Empty>
      ) : (
        <TableRegion label="Runs">
          <table>
            <caption class="ll-visually-hidden">Runs, newest first</caption>
            <thead>
              <tr><th scope="col">Run</th><th scope="col">Automation</th><th scope="col">Status</th><th scope="col">Started by</th><th scope="col">Started</th><th scope="col">Now at</th></tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr>
                  <td><a href={`/console/runs/${encodeURIComponent(run.runId)}`}>{shortRunId(run.runId)}</a></td>
                  <td>{run.automation} <span class="ll-muted">v{run.version}</span></td>
                  <td><StatusTag status={run.status} /></td>
                  <td>{run.startedBy}</td>
                  <td><Time at={run.startedAt} /></td>
                  <td>{run.lastError ? <span class="ll-error-text">{run.lastError}</span> : run.currentStep ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <NextPage url={context.url} cursor={nextCursor} />
    </>
  ));
}

async function eventsOf(context: PageContext, runId: string): Promise<RunEventEntry[]> {
  const events: RunEventEntry[] = [];
  let after: number | null | undefined;
  // A run's history is short (tens of events); 10 pages of 500 is far beyond any real one.
  for (let page = 0; page < 10; page += 1) {
    const answer = await context.api.get<{ events: RunEventEntry[]; nextAfter: number | null }>(`/v1/runs/${encodeURIComponent(runId)}/events`, { after: after ?? undefined, limit: 500 });
    events.push(...answer.events);
    after = answer.nextAfter;
    if (after === null || after === undefined) break;
  }
  return events;
}

function RunLive({ run, events, canCancel }: { run: RunDetails; events: readonly RunEventEntry[]; canCancel: boolean }): VNode {
  const finished = FINISHED.has(run.status);
  const live = finished ? {} : { 'hx-get': `/console/runs/${encodeURIComponent(run.runId)}?live=${run.streamVersion}`, 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' };
  return (
    <div id="run-live" aria-live="polite" {...live}>
      <dl class="ll-summary">
        <dt>Status</dt><dd><StatusTag status={run.status} /></dd>
        <dt>Automation</dt><dd>{run.automation} <span class="ll-muted">v{run.version}</span></dd>
        <dt>Started by</dt><dd>{run.startedBy}</dd>
        <dt>Started</dt><dd><Time at={run.startedAt} /></dd>
        <dt>Deadline</dt><dd><Time at={run.deadlineAt} /></dd>
        {run.currentStep && <><dt>Now at</dt><dd>{run.currentStep}</dd></>}
        {run.lastError && <><dt>Last error</dt><dd class="ll-error-text">{run.lastError.code}: {run.lastError.message}</dd></>}
        {run.approval && run.approval.status === 'pending' && <><dt>Waiting for</dt><dd><a href={`/console/approvals/${encodeURIComponent(run.approval.approvalId)}`}>an approval</a></dd></>}
      </dl>
      {canCancel && !finished && run.status !== 'cancelling' && (
        <p><a class="ll-button ll-warning" href={`/console/runs/${encodeURIComponent(run.runId)}/cancel`}>Cancel this run</a></p>
      )}
      <h2>Timeline</h2>
      {events.length === 0 ? <Empty>No event yet.</Empty> : <Timeline events={events} />}
    </div>
  );
}

async function runPage(context: PageContext): Promise<PageResult> {
  const runId = context.params.runId ?? '';
  const run = await context.api.get<RunDetails>(`/v1/runs/${encodeURIComponent(runId)}`);
  const live = context.query.get('live');
  if (live !== null && live === String(run.streamVersion)) return { kind: 'unchanged' };
  const events = await eventsOf(context, runId);
  const body = <RunLive run={run} events={events} canCancel={hasScope(context.session, 'runs:cancel') || hasScope(context.session, 'runs:admin')} />;
  if (live !== null) return { kind: 'fragment', body };
  return page(`Run ${run.automation}`, (
    <>
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <p><a href="/console/runs">Back to runs</a></p>
      <h1>{run.automation} <span class="ll-muted ll-small">{run.runId}</span></h1>
      {body}
    </>
  ));
}

function cancelPage(context: PageContext, run: RunDetails, problems: readonly Problem[] = [], reason = ''): PageResult {
  return page(`Cancel ${run.automation}`, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href={`/console/runs/${encodeURIComponent(run.runId)}`}>Back to the run</a></p>
      <h1>Cancel the run of {run.automation}?</h1>
      <p>The run stops before its next step; steps already done are compensated where the automation says how. This cannot be undone.</p>
      <form method="post" action={`/console/runs/${encodeURIComponent(run.runId)}/cancel`} novalidate>
        <CsrfField token={context.session.csrf} />
        <div class={`ll-field${problems.some((p) => p.field === 'reason') ? ' ll-field-invalid' : ''}`}>
          <label for="reason">Reason</label>
          <FieldError id="reason" problems={problems} />
          <textarea id="reason" name="reason" rows={2} maxLength={500}>{reason}</textarea>
        </div>
        <div class="ll-actions">
          <button type="submit" class="ll-warning">Cancel run {shortRunId(run.runId)}</button>
          <a href={`/console/runs/${encodeURIComponent(run.runId)}`}>Keep it running</a>
        </div>
      </form>
    </>
  ));
}

export const runsSection: ConsoleSection = {
  id: 'runs',
  label: 'Runs',
  href: '/console/runs',
  scopes: ['runs:read', 'runs:admin'],
  routes: [
    { method: 'GET', path: '/runs', handle: runsPage },
    { method: 'GET', path: '/runs/:runId', handle: runPage },
    {
      method: 'GET',
      path: '/runs/:runId/cancel',
      async handle(context) {
        return cancelPage(context, await context.api.get<RunDetails>(`/v1/runs/${encodeURIComponent(context.params.runId ?? '')}`));
      },
    },
    {
      method: 'POST',
      path: '/runs/:runId/cancel',
      async handle(context) {
        const run = await context.api.get<RunDetails>(`/v1/runs/${encodeURIComponent(context.params.runId ?? '')}`);
        const reason = formText(context.form, 'reason');
        if (reason === '') return cancelPage(context, run, [{ field: 'reason', message: 'Enter why the run is cancelled.' }], reason);
        if (reason.length > 500) return cancelPage(context, run, [{ field: 'reason', message: 'The reason must be 500 characters or fewer.' }], reason);
        try {
          await context.api.post(`/v1/runs/${encodeURIComponent(run.runId)}/cancel`, { reason });
        } catch (error) {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 404) {
            return cancelPage(context, run, [{ field: error.code === 'request.invalid' ? 'reason' : undefined, message: error.message }], reason);
          }
          throw error;
        }
        return redirect(`/console/runs/${encodeURIComponent(run.runId)}?notice=cancelled`);
      },
    },
  ],
};
