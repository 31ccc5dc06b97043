import type { VNode } from 'preact';
import { Empty, TableRegion, Time } from '../pages/components.js';
import type { PolicyActivity, PolicyDecision, PolicyExample, PolicyMode } from './policies.types.js';

const MODE_LABELS: Record<PolicyMode, string> = { 'log-only': 'Log-only', enforce: 'Enforce' };

export const modeLabel = (mode: PolicyMode): string => MODE_LABELS[mode] ?? mode;

/** A decision as it reads in its mode: in log-only mode nothing was refused, it would have been. */
export function decisionLabel(mode: PolicyMode, decision: PolicyDecision): string {
  const logOnly = mode === 'log-only';
  switch (decision) {
    case 'deny': return logOnly ? 'Would have been denied' : 'Refused';
    case 'approval_required': return logOnly ? 'Would have asked for an approval' : 'Sent for approval';
    case 'error': return logOnly ? 'Evaluation failed (would have been refused)' : 'Evaluation failed: refused';
    case 'allow': return 'Allowed';
    default: {
      const unknown: never = decision;
      return String(unknown);
    }
  }
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** One line per mode: what the policy blocked, or in log-only mode would have blocked. */
export function activitySummary(activity: PolicyActivity): string {
  const approvals = plural(activity.approvalRequired, 'approval', 'approvals');
  const errors = plural(activity.error, 'evaluation error', 'evaluation errors');
  return activity.mode === 'log-only'
    ? `would have denied ${activity.deny}, would have asked ${approvals}, ${errors}`
    : `refused ${activity.deny}, asked ${approvals}, ${errors} (refused)`;
}

/** The policy's report lines, the current mode first; `–` when it decided nothing yet. */
export function ActivityList({ activities, mode }: { activities: readonly PolicyActivity[]; mode: PolicyMode }): VNode {
  if (activities.length === 0) return <span class="ll-muted">Nothing yet</span>;
  const ordered = [...activities].sort((a, b) => Number(b.mode === mode) - Number(a.mode === mode));
  return (
    <ul class="ll-plain">
      {ordered.map((activity) => <li><strong>{modeLabel(activity.mode)}:</strong> {activitySummary(activity)}</li>)}
    </ul>
  );
}

/** The examples of every mode, each with its mode, newest first. */
export function newestFirst(activities: readonly PolicyActivity[]): Array<PolicyExample & { mode: PolicyMode }> {
  return activities
    .flatMap((activity) => activity.latest.map((example) => ({ ...example, mode: activity.mode })))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** The latest examples of each mode, newest first: tool, user, decision, time. */
export function Examples({ activities, label }: { activities: readonly PolicyActivity[]; label: string }): VNode {
  const rows = newestFirst(activities);
  if (rows.length === 0) return <Empty>No call has matched this policy or failed in it yet.</Empty>;
  return (
    <TableRegion label={label}>
      <table>
        <caption class="ll-visually-hidden">{label}, newest first</caption>
        <thead><tr><th scope="col">Tool</th><th scope="col">User</th><th scope="col">Decision</th><th scope="col">Mode</th><th scope="col">When</th></tr></thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td><code>{row.tool}</code></td>
              <td>{row.userId}</td>
              <td>{decisionLabel(row.mode, row.decision)}</td>
              <td>{modeLabel(row.mode)}</td>
              <td><Time at={row.at} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
