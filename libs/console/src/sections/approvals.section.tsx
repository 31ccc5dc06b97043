import type { VNode } from 'preact';
import type { ApprovalSummary } from '#automation';
import { ApiError } from '../api/console-api.js';
import { CsrfField, Empty, ErrorSummary, FieldError, Notice, TableRegion, Time, type Problem } from '../pages/components.js';
import { livePage } from '../pages/live-region.js';
import { formText, page, redirect, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';

/** An inbox entry; `input` when the API gives the run's input to this caller. */
type Approval = ApprovalSummary & { input?: unknown };

const NOTICES: Record<string, string> = { approved: 'Approved: the run goes on.', denied: 'Denied: the run stops at that step.' };

async function pending(context: PageContext): Promise<Approval[]> {
  return (await context.api.get<{ approvals: Approval[] }>('/v1/approvals', { limit: 100 })).approvals;
}

/** The inbox's live content: the page polls it and swaps it only when it changed (pages/live-region). */
function inbox(approvals: readonly Approval[]): VNode {
  return (
    <>
      {approvals.length === 0 ? (
        <Empty>Nothing waits for your decision. New approvals appear here by themselves.</Empty>
      ) : (
        <TableRegion label="Pending approvals">
          <table>
            <caption class="ll-visually-hidden">Pending approvals, oldest first</caption>
            <thead>
              <tr><th scope="col">Asks</th><th scope="col">Automation and step</th><th scope="col">Requested by</th><th scope="col">Requested</th><th scope="col">Deadline</th></tr>
            </thead>
            <tbody>
              {approvals.map((approval) => (
                <tr>
                  <td><a href={`/console/approvals/${encodeURIComponent(approval.approvalId)}`}>{approval.prompt || 'Decide'}</a></td>
                  <td>{approval.automation} <span class="ll-muted">· {approval.stepId}</span></td>
                  <td>{approval.requestedBy}</td>
                  <td><Time at={approval.requestedAt} /></td>
                  <td><Time at={approval.deadlineAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}

function decisionPage(context: PageContext, approval: Approval, problems: readonly Problem[] = [], reason = ''): PageResult {
  const action = `/console/approvals/${encodeURIComponent(approval.approvalId)}`;
  return page(`Decide: ${approval.automation}`, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href="/console/approvals">Back to approvals</a></p>
      <h1>{approval.prompt || `Approve ${approval.stepId}?`}</h1>
      <dl class="ll-summary">
        <dt>Automation</dt><dd>{approval.automation}</dd>
        <dt>Step</dt><dd>{approval.stepId}</dd>
        <dt>Run</dt><dd><a href={`/console/runs/${encodeURIComponent(approval.runId)}`}>{approval.runId}</a></dd>
        <dt>Requested by</dt><dd>{approval.requestedBy}</dd>
        <dt>Requested</dt><dd><Time at={approval.requestedAt} /></dd>
        <dt>Deadline</dt><dd><Time at={approval.deadlineAt} /></dd>
      </dl>
      {approval.input !== undefined && (
        <>
          <h2>The run's input</h2>
          <pre class="ll-json" tabindex={0}>{JSON.stringify(approval.input, null, 2)}</pre>
        </>
      )}
      <form method="post" action={action} novalidate>
        <CsrfField token={context.session.csrf} />
        <div class={`ll-field${problems.some((p) => p.field === 'reason') ? ' ll-field-invalid' : ''}`}>
          <label for="reason">Reason</label>
          <p class="ll-hint" id="reason-hint">Recorded with your decision in the audit trail.</p>
          <FieldError id="reason" problems={problems} />
          <textarea id="reason" name="reason" rows={3} maxLength={1000} aria-describedby={problems.some((p) => p.field === 'reason') ? 'reason-hint reason-error' : 'reason-hint'}>{reason}</textarea>
        </div>
        <div class="ll-actions">
          <button type="submit" name="decision" value="approve">Approve</button>
          <button type="submit" name="decision" value="deny" class="ll-warning">Deny</button>
        </div>
      </form>
    </>
  ));
}

async function findApproval(context: PageContext): Promise<Approval | undefined> {
  const id = context.params.approvalId ?? '';
  return (await pending(context)).find((approval) => approval.approvalId === id);
}

const gone = (): PageResult => page('Approval not pending', (
  <>
    <h1>This approval is not waiting any more</h1>
    <p>Someone decided it, it expired, or it is not one you may decide.</p>
    <p><a href="/console/approvals">Back to approvals</a></p>
  </>
), 404);

export const approvalsSection: ConsoleSection = {
  id: 'approvals',
  label: 'Approvals',
  href: '/console/approvals',
  scopes: ['approvals:decide'],
  routes: [
    {
      method: 'GET',
      path: '/approvals',
      async handle(context) {
        return livePage(context, {
          id: 'approvals-live',
          title: 'Approvals',
          head: (
            <>
              <Notice text={NOTICES[context.query.get('notice') ?? '']} />
              <h1>Approvals</h1>
              <p class="ll-lede">Steps parked until someone decides. You never see your own requests here: nobody approves what they asked for.</p>
            </>
          ),
          content: inbox(await pending(context)),
        });
      },
    },
    {
      method: 'GET',
      path: '/approvals/:approvalId',
      async handle(context) {
        const approval = await findApproval(context);
        return approval ? decisionPage(context, approval) : gone();
      },
    },
    {
      method: 'POST',
      path: '/approvals/:approvalId',
      async handle(context) {
        const approval = await findApproval(context);
        if (!approval) return gone();
        const decision = formText(context.form, 'decision');
        const reason = formText(context.form, 'reason');
        const problems: Problem[] = [];
        if (decision !== 'approve' && decision !== 'deny') problems.push({ message: 'Choose Approve or Deny.' });
        if (reason === '') problems.push({ field: 'reason', message: 'Enter the reason for your decision.' });
        else if (reason.length > 1000) problems.push({ field: 'reason', message: 'The reason must be 1000 characters or fewer.' });
        if (problems.length > 0) return decisionPage(context, approval, problems, reason);
        try {
          await context.api.post(`/v1/approvals/${encodeURIComponent(approval.approvalId)}/decision`, { decision, reason });
        } catch (error) {
          if (error instanceof ApiError && error.status < 500 && error.status !== 401) {
            const field = error.code === 'request.invalid' ? 'reason' : undefined;
            return decisionPage(context, approval, [{ field, message: error.message }], reason);
          }
          throw error;
        }
        return redirect(`/console/approvals?notice=${decision === 'approve' ? 'approved' : 'denied'}`);
      },
    },
  ],
};
