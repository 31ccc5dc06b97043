import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { VNode } from 'preact';
import { EXPORT_KEYS_PATH, exportFileName, SigningKeyError, TrustedKeys, verifyExport, type VerifyExportResult } from '#compliance';
import { ApiError } from '../../api/console-api.js';
import { TableRegion, Time, type Problem } from '../../pages/components.js';
import { endOfUtcDay, isCalendarDate, startOfUtcDay } from '../../pages/forms.js';
import { page, type PageContext, type PageResult } from '../../pages/page.js';
import { COMPLIANCE, compliancePage, type ExportInput } from './compliance-page.js';

const FILE_NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** The export form's fields, checked; the API's range (UTC days, `until` included) when they hold. */
function exportRequestOf(context: PageContext): { input: ExportInput; problems: Problem[]; query: Record<string, string | undefined> } {
  const input: ExportInput = { since: (context.query.get('since') ?? '').trim(), until: (context.query.get('until') ?? '').trim(), views: context.query.get('views') === '1' };
  const problems: Problem[] = [];
  if (input.since !== '' && !isCalendarDate(input.since)) problems.push({ field: 'since', message: 'Enter the start date as a real date, like 2026-01-31.' });
  if (input.until !== '' && !isCalendarDate(input.until)) problems.push({ field: 'until', message: 'Enter the end date as a real date, like 2026-01-31.' });
  if (problems.length === 0 && input.since !== '' && input.until !== '' && input.since > input.until) problems.push({ field: 'until', message: 'The end date must be on or after the start date.' });
  const query = {
    since: input.since === '' ? undefined : startOfUtcDay(input.since),
    until: input.until === '' ? undefined : endOfUtcDay(input.until),
    withViews: input.views ? 'true' : undefined,
  };
  return { input, problems, query };
}

/** The export as the API streams it, or the form again with what stopped it (a bad range, a tenant with no events yet). */
async function exportOf(context: PageContext): Promise<{ response: Response; input: ExportInput } | { refused: PageResult }> {
  const { input, problems, query } = exportRequestOf(context);
  if (problems.length > 0) return { refused: await compliancePage(context, { problems, exportInput: input }) };
  try {
    return { response: await context.api.stream('/v1/compliance/export', query), input };
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 404)) throw error;
    const message = error.code === 'compliance.export.unknown_tenant' ? 'The tenant has no events yet: there is nothing to export.' : error.message;
    return { refused: await compliancePage(context, { problems: [{ message }], exportInput: input }) };
  }
}

export async function downloadExport(context: PageContext): Promise<PageResult> {
  const answer = await exportOf(context);
  if ('refused' in answer) return answer.refused;
  const named = /filename="([^"]+)"/.exec(answer.response.headers.get('content-disposition') ?? '')?.[1];
  return { kind: 'download', response: answer.response, filename: named && FILE_NAME.test(named) ? named : exportFileName(context.session.tenantId, new Date()) };
}

/**
 * Download and verify: a fresh export streamed from the API straight into the library's verifier
 * (what `ledgerline verify` runs), trusting the keys the platform publishes for any client.
 */
export async function verifyNewExport(context: PageContext): Promise<PageResult> {
  let trusted: TrustedKeys;
  try {
    trusted = TrustedKeys.parse(await context.api.publicText(EXPORT_KEYS_PATH), EXPORT_KEYS_PATH);
  } catch (error) {
    if (!(error instanceof SigningKeyError) && !(error instanceof ApiError)) throw error;
    return compliancePage(context, { problems: [{ message: `The platform's export keys could not be read, so nothing was verified: ${error.message}` }] });
  }
  const answer = await exportOf(context);
  if ('refused' in answer) return answer.refused;
  const body = answer.response.body;
  const result = body ? await verifyExport(Readable.fromWeb(body as ReadableStream), trusted) : { ok: false, events: 0, viewRows: 0, firstBrokenLine: 1, problem: 'the answer was empty' };
  const download = new URL(context.url);
  download.pathname = `${COMPLIANCE}/export`;
  return page(result.ok ? 'Export verified' : 'Export not valid', (
    <>
      <p><a href={COMPLIANCE}>Back to compliance</a></p>
      <VerificationResult result={result} />
      <p>Checked against the keys this platform publishes at <code>{EXPORT_KEYS_PATH}</code>. To check on your own, download an export and run <code>ledgerline verify</code> with the keys you keep.</p>
      <p><a class="ll-button ll-secondary" href={`${download.pathname}${download.search}`}>Download an export of the same range</a></p>
    </>
  ));
}

function VerificationResult({ result }: { result: VerifyExportResult }): VNode {
  if (!result.ok || !result.manifest) {
    return (
      <div class="ll-panel-bad" role="alert">
        <h1>The export is not valid</h1>
        <p>Line {result.firstBrokenLine}: {result.problem}</p>
        <p>{result.events} events were sound before it.</p>
      </div>
    );
  }
  const { manifest } = result;
  const { archived, elided } = manifest.counts;
  return (
    <>
      <div class="ll-panel-good" role="status">
        <h1>The export is valid</h1>
        <p>Hash chain, positions, counts and content hash check out, and the signature is valid.</p>
      </div>
      <dl class="ll-summary">
        <dt>Tenant</dt><dd>{manifest.tenantId}</dd>
        <dt>Created</dt><dd><Time at={manifest.createdAt} /></dd>
        <dt>Range</dt><dd>{manifest.range.since ? <Time at={manifest.range.since} /> : 'the first event'} to {manifest.range.until ? <Time at={manifest.range.until} /> : 'the last event'}</dd>
        <dt>Events</dt><dd>{result.events}{archived ? `, and ${archived} archived` : ''}{elided ? `, and ${elided} elided` : ''}</dd>
        <dt>Tenant positions</dt><dd>{manifest.first && manifest.last ? `${manifest.first.tenantPosition} to ${manifest.last.tenantPosition}` : 'none'}</dd>
        <dt>View rows</dt><dd>{result.viewRows}</dd>
        <dt>Signature</dt><dd>Valid, by key <code class="ll-id">{manifest.keyId}</code></dd>
        <dt>Chain head</dt><dd><code class="ll-id">{manifest.chainHead}</code></dd>
      </dl>
      <h2>Events by type</h2>
      <TableRegion label="Events by type">
        <table>
          <thead><tr><th scope="col">Type</th><th scope="col">Events</th></tr></thead>
          <tbody>
            {Object.entries(manifest.counts.byType).toSorted(([a], [b]) => a.localeCompare(b)).map(([type, count]) => <tr><td>{type}</td><td>{count}</td></tr>)}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}
