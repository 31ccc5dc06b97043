import type { VNode } from 'preact';
import { Time } from '../pages/components.js';
import type { RunEventEntry } from './runs.types.js';

/**
 * A run's history as people read it (Temporal's event history, in short): one line per event with
 * what matters of it, the time since the run started, and the raw event one click away.
 */
export function Timeline({ events }: { events: readonly RunEventEntry[] }): VNode {
  const start = events[0] ? Date.parse(events[0].at) : 0;
  return (
    <ol class="ll-timeline">
      {events.map((event) => (
        <li class={`ll-event ll-event-${kindOf(event.type)}`}>
          <div class="ll-event-head">
            <span class="ll-event-type">{labelOf(event.type)}</span>
            <span class="ll-muted"> +{offset(Date.parse(event.at) - start)} · <Time at={event.at} /></span>
          </div>
          <p class="ll-event-text">{describe(event)}</p>
          <details>
            <summary>Raw event #{event.version}</summary>
            <pre class="ll-json" tabindex={0}>{JSON.stringify({ type: event.type, version: event.version, at: event.at, data: event.data }, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

function kindOf(type: string): string {
  if (/Failed|Denied|Expired|TimedOut|Cancelled/.test(type)) return 'bad';
  if (/Succeeded|Completed|Granted/.test(type)) return 'good';
  if (/Approval|Wait|Cancel/.test(type)) return 'wait';
  return 'info';
}

function labelOf(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2');
}

function offset(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 s';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The approval the tenant's policies asked for before the first step, as RunStarted records it. */
function policyGate(value: unknown): string {
  const gate = value as { groups?: unknown; policies?: unknown } | undefined;
  if (!gate || !Array.isArray(gate.groups) || !Array.isArray(gate.policies)) return '';
  return ` First waits for an approval by ${gate.groups.map(text).join(' or ')} (policy ${gate.policies.map(text).join(', ')}).`;
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function at(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? new Date(value).toISOString().slice(11, 19) + ' UTC' : '';
}

/** The sentence for one event: the step, the attempt, the connector's outcome and error class. */
function describe({ type, data }: RunEventEntry): string {
  const step = text(data.stepId);
  const attempt = text(data.attempt);
  const call = (data.connectorCall ?? undefined) as { connector?: unknown; status?: unknown; errorClass?: unknown } | undefined;
  const connector = call ? ` via ${text(call.connector)}${call.status !== null && call.status !== undefined ? ` (HTTP ${text(call.status)})` : ''}` : '';
  switch (type) {
    case 'RunStarted':
      return `${text(data.automation)} v${text(data.version)} started by ${text(data.startedBy)}; steps: ${Array.isArray(data.stepIds) ? data.stepIds.join(', ') : ''}.${policyGate(data.policyApproval)}`;
    case 'StepStarted':
    case 'CompensationStarted':
      return `${step}, attempt ${attempt}.`;
    case 'StepSucceeded':
    case 'CompensationSucceeded':
      return `${step} succeeded on attempt ${attempt}${connector}.`;
    case 'StepFailed':
    case 'CompensationFailed':
      return `${step} failed on attempt ${attempt}${connector}: ${text(data.errorClass)} ${text(data.code)}, ${text(data.message)}. ${data.retryAt ? `Next attempt at ${at(data.retryAt)} (back-off).` : 'No more attempts.'}`;
    case 'StepSkipped':
      return `${step} skipped: ${text(data.reason)}.`;
    case 'WaitStarted':
      return `${step} waits until ${at(data.until)}.`;
    case 'ConditionEvaluated':
      return `${step}: the condition is ${data.result ? 'true' : 'false'}${data.next ? `, next ${text(data.next)}` : ''}.`;
    case 'ApprovalRequested':
      return `${step} waits for an approval${data.deadlineAt ? ` until ${at(data.deadlineAt)}` : ''} (asked by ${text(data.requestedBy)}).`;
    case 'ApprovalGranted':
      return `${step} approved by ${text(data.decidedBy)}: ${text(data.reason)}`;
    case 'ApprovalDenied':
      return `${step} denied by ${text(data.decidedBy)}: ${text(data.reason)}`;
    case 'ApprovalExpired':
      return `${step}: nobody decided before the deadline.`;
    case 'RunCancelRequested':
      return `Cancellation asked by ${text(data.requestedBy)}: ${text(data.reason)}`;
    case 'RunCompleted':
      return 'The run completed.';
    case 'RunFailed':
      return `The run failed${data.stepId ? ` at ${text(data.stepId)}` : ''}: ${text(data.reason)}, ${text(data.message)}`;
    case 'RunCancelled':
      return `Cancelled by ${text(data.requestedBy)}: ${text(data.reason)}.${Array.isArray(data.compensated) && data.compensated.length > 0 ? ` Compensated: ${data.compensated.join(', ')}.` : ''}`;
    case 'RunTimedOut':
      return 'The run passed its deadline.';
    default:
      return '';
  }
}
