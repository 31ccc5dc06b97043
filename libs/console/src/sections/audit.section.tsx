import type { VNode } from 'preact';
import type { AuditEntry, QueryAuditResult } from '#audit';
import { Empty, ErrorSummary, Field, NextPage, TableRegion, Time, type Problem } from '../pages/components.js';
import { page, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { auditFiltersOf, auditProblems, ORDERS, PAGE_SIZES, TEXT_FILTERS, type AuditFilterValues } from './audit-filters.js';
import { isFormRefusal } from './form-refusal.js';
import { shortRunId } from './runs.section.js';

const filterHref = (name: string, value: string): string => `/console/audit?${new URLSearchParams({ [name]: value }).toString()}`;

function FilterForm({ values, problems }: { values: AuditFilterValues; problems: readonly Problem[] }): VNode {
  const text = (id: keyof AuditFilterValues, label: string, hint: string): VNode => (
    <Field id={id} label={label} hint={hint} problems={problems}>
      {(describedBy) => <input id={id} name={id} value={values[id]} maxLength={256} autocomplete="off" spellcheck={false} aria-describedby={describedBy} />}
    </Field>
  );
  const choice = (id: 'order' | 'limit', label: string, options: ReadonlyArray<[string, string]>): VNode => (
    <Field id={id} label={label} problems={problems}>
      {(describedBy) => <select id={id} name={id} aria-describedby={describedBy}>{options.map(([value, text]) => <option value={value} selected={values[id] === value}>{text}</option>)}</select>}
    </Field>
  );
  return (
    <form method="get" action="/console/audit" class="ll-filters" role="search" aria-label="Filter the audit trail">
      {TEXT_FILTERS.map((filter) => text(filter.id, filter.label, filter.hint))}
      {text('from', 'From (UTC)', 'YYYY-MM-DD, or YYYY-MM-DD HH:MM.')}
      {text('to', 'Until (UTC)', 'A date alone includes that whole day.')}
      {choice('order', 'Order', Object.entries(ORDERS))}
      {choice('limit', 'Per page', [...PAGE_SIZES].sort((a, b) => Number(a) - Number(b)).map((size) => [size, size]))}
      <div class="ll-actions"><button type="submit">Filter</button> <a href="/console/audit">Clear</a></div>
    </form>
  );
}

/** What an entry touched: its run (its page), else its stream (the trail of that stream). */
function Subject({ entry, runs }: { entry: AuditEntry; runs: boolean }): VNode {
  const stream = <a href={filterHref('stream', entry.streamId)} class="ll-muted">{entry.streamId} #{entry.streamVersion}</a>;
  if (!entry.runId) return stream;
  const run = runs ? <a href={`/console/runs/${encodeURIComponent(entry.runId)}`}>Run {shortRunId(entry.runId)}</a> : <>Run {shortRunId(entry.runId)}</>;
  return <>{run}<div>{stream}</div></>;
}

function Entries({ entries, runs }: { entries: readonly AuditEntry[]; runs: boolean }): VNode {
  return (
    <TableRegion label="Audit entries">
      <table>
        <caption class="ll-visually-hidden">Audit entries</caption>
        <thead>
          <tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">About</th><th scope="col">Who</th><th scope="col">Tool</th></tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr>
              <td><Time at={entry.recordedAt} /></td>
              <td class="ll-word">{entry.type}</td>
              <td><Subject entry={entry} runs={runs} /></td>
              <td>{entry.userId ? <a href={filterHref('user', entry.userId)}>{entry.userId}</a> : '–'}{entry.clientId && entry.clientId !== entry.userId && <div class="ll-muted">via {entry.clientId}</div>}</td>
              <td>{entry.tool ? <a href={filterHref('tool', entry.tool)}>{entry.tool}</a> : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

async function auditPage(context: PageContext): Promise<PageResult> {
  const { values, query, problems } = auditFiltersOf(context.query);
  let result: QueryAuditResult | undefined;
  if (problems.length === 0) {
    try {
      result = await context.api.get<QueryAuditResult>('/v1/audit', query);
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      problems.push(...auditProblems(error));
    }
  }
  const filtered = [...context.query.keys()].some((name) => name !== 'cursor' && name !== 'order' && name !== 'limit' && context.query.get(name) !== '');
  const later = context.query.has('cursor');
  const first = new URL(context.url);
  first.searchParams.delete('cursor');
  return page('Audit trail', (
    <>
      <ErrorSummary problems={problems} />
      <h1>Audit trail</h1>
      <p class="ll-lede">Every change in this tenant: who made it, with which tool, and what it touched. The filters are in the address, so a view can be shared.</p>
      <FilterForm values={values} problems={problems} />
      {later && <p><a href={`${first.pathname}${first.search}`}>Back to the first page</a></p>}
      {result === undefined ? null : result.entries.length === 0 ? (
        <Empty>{filtered ? 'No entry matches these filters.' : later ? 'No more entries.' : 'Nothing has happened in this tenant yet.'}</Empty>
      ) : (
        <Entries entries={result.entries} runs={hasScope(context.session, 'runs:read') || hasScope(context.session, 'runs:admin')} />
      )}
      <NextPage url={context.url} cursor={result?.nextCursor} />
    </>
  ));
}

export const auditSection: ConsoleSection = {
  id: 'audit',
  label: 'Audit',
  href: '/console/audit',
  scopes: ['audit:read'],
  routes: [{ method: 'GET', path: '/audit', handle: auditPage }],
};
