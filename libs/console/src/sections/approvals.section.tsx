import type { VNode } from 'preact';
import type { ApprovalSummary } from '#automation';
import { ApiError } from '../api/console-api.js';
import { CsrfField, Empty, ErrorSummary, FieldError, Inset, Notice, TableRegion, Time, type Problem } from '../pages/components.js';
import { livePage } from '../pages/live-region.js';
import { formText, page, redirect, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';

/** An inbox entry; `input` when the API gives the run's input to this caller. */
type Approval = ApprovalSummary & { input?: unknown };

const NOTICES: Record<string, string> = { approved: 'Approved: the run goes on.', denied: 'Denied: the run stops at that step.' };

/** The step id of the approval a run's policies ask for before its first step (libs/automation's POLICY_APPROVAL_STEP). */
const POLICY_GATE = 'policy-gate';

const isPolicyGate = (approval: Approval): boolean => approval.stepId === POLICY_GATE;

/** Who it is offered to: a group the caller is in, or anyone who decides approvals. */
function offeredTo(approval: Approval): string {
  return approval.offeredBy === null ? 'Anyone who decides approvals' : `Group ${approval.offeredBy} (you are in it)`;
}

function StepOf({ approval }: { approval: Approval }): VNode {
  return isPolicyGate(approval) ? <>Before its first step, asked by the tenant's policies</> : <>{approval.stepId}</>;
}

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
              <tr><th scope="col">Asks</th><th scope="col">Automation and step</th><th scope="col">Offered to</th><th scope="col">Requested by</th><th scope="col">Requested</th><th scope="col">Deadline</th></tr>
            </thead>
            <tbody>
              {approvals.map((approval) => (
                <tr>
                  <td><a href={`/console/approvals/${encodeURIComponent(approval.approvalId)}`}>{approval.prompt || 'Decide'}</a></td>
                  <td>{approval.automation} <span class="ll-muted">· <StepOf approval={approval} /></span></td>
                  <td>{offeredTo(approval)}</td>
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

/** The policies that asked for a policy gate, from the run when the caller may read it; none when not (the prompt names them too). */
async function gatePolicies(context: PageContext, approval: Approval): Promise<string[]> {
  if (!isPolicyGate(approval) || !hasScope(context.session, 'runs:read')) return [];
  try {
    const run = await context.api.get<{ policyApproval?: { policies?: unknown } | null }>(`/v1/runs/${encodeURIComponent(approval.runId)}`);
    const policies = run.policyApproval?.policies;
    return Array.isArray(policies) ? policies.filter((policy): policy is string => typeof policy === 'string') : [];
  } catch (error) {
    // Runs another person started may not be readable to this caller: the prompt still names the policies.
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return [];
    throw error;
  }
}

function PolicyGate({ policies }: { policies: readonly string[] }): VNode {
  return (
    <Inset>
      The tenant's policies ask for this approval before the run's first step: nothing has run yet. Approved, the run goes on to its steps; denied, it fails.
      {policies.length > 0 && <> Asked by {policies.length === 1 ? 'the policy' : 'the policies'} {policies.map((policy, index) => <>{index > 0 && ', '}<code>{policy}</code></>)}.</>}
    </Inset>
  );
}

async function decisionPage(context: PageContext, approval: Approval, problems: readonly Problem[] = [], reason = ''): Promise<PageResult> {
  const action = `/console/approvals/${encodeURIComponent(approval.approvalId)}`;
  const policies = await gatePolicies(context, approval);
  return page(`Decide: ${approval.automation}`, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href="/console/approvals">Back to approvals</a></p>
      <h1>{approval.prompt || `Approve ${approval.stepId}?`}</h1>
      {isPolicyGate(approval) && <PolicyGate policies={policies} />}
      <dl class="ll-summary">
        <dt>Automation</dt><dd>{approval.automation}</dd>
        <dt>Step</dt><dd><StepOf approval={approval} /></dd>
        <dt>Offered to</dt><dd>{offeredTo(approval)}</dd>
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
