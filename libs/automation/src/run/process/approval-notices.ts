import type { JsonObject } from '#core';
import type { ApprovalStep, RetryPolicy } from '../../definition/index.js';
import type { RunEvent } from '../run.events.js';
import { ESCALATION_NOTICE, type ActiveRunState, type ApprovalProgress, type NoticeProgress } from '../run.state.js';
import type { ConnectorAttempt } from './next-run-action.js';

/** A reminder's or an escalation's delivery to the step's notify connector, and the record that it is under way. */
export interface NoticeAction extends ConnectorAttempt {
  kind: 'notify';
  approvalId: string;
  /** `reminder:<n>` or `escalation`: the tail of the idempotency key. */
  notice: string;
}

/** A notice is retried briefly: one that arrives much later is worth less than the next reminder. */
export const NOTICE_RETRY_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 4, initialDelayMs: 500, maxDelayMs: 10_000, deadlineSeconds: 120 });

export interface NoticeOptions {
  now: number;
  honourLeases: boolean;
  /** The platform's public origin: the approval link points at its console; without it the link is a path. */
  publicUrl?: string;
  /** The approval's prompt, rendered from the run's data (only when a notice goes out). */
  prompt: () => string;
}

/** What a pending approval's notices ask for now: an append or a delivery, or the time they next need the saga (null: never). */
export type NoticeDecision = { kind: 'append'; events: RunEvent[] } | NoticeAction | { kind: 'none'; wakeAt: number | null };

/** The approval's console page: where whoever is reminded goes to decide. */
export function approvalLink(approvalId: string, publicUrl: string | undefined): string {
  return `${publicUrl ?? ''}/console/approvals/${encodeURIComponent(approvalId)}`;
}

export function noticeIdempotencyKey(approvalId: string, notice: string): string {
  return `${approvalId}:${notice}`;
}

/**
 * The next reminder or escalation due after these (null: none; older approvals, with no request
 * time, have none). Reminder n is due at requestedAt + n × everySeconds.
 */
export function nextNoticeAt(step: ApprovalStep, requestedAt: number | null, reminders: number, escalated: boolean): number | null {
  if (requestedAt === null || !step.notify) return null;
  const times: number[] = [];
  if (step.reminders) times.push(requestedAt + (reminders + 1) * step.reminders.everySeconds * 1000);
  if (step.escalation && !escalated) times.push(requestedAt + step.escalation.afterSeconds * 1000);
  return times.length === 0 ? null : Math.min(...times);
}

/**
 * A pending approval's notices, pure: first a delivery that is ready (due, or its retry time
 * came, or cut off by a crash), then a reminder or the escalation that fell due (appended, once:
 * the run's stream version decides between workers); else when they next need the saga. After a
 * long pause (the platform was down) only the latest reminder due is sent, not the backlog.
 */
export function approvalNotices(state: ActiveRunState, step: ApprovalStep, approval: ApprovalProgress, options: NoticeOptions): NoticeDecision {
  const { now } = options;
  if (!step.notify || approval.requestedAt === null) return { kind: 'none', wakeAt: null };
  let wakeAt = nextNoticeAt(step, approval.requestedAt, approval.reminders, approval.escalated);
  const later = (at: number): void => {
    wakeAt = wakeAt === null ? at : Math.min(wakeAt, at);
  };
  for (const [notice, progress] of Object.entries(approval.notices).sort(([, a], [, b]) => a.dueAt - b.dueAt)) {
    if (progress.status === 'sent' || progress.status === 'failed') continue;
    if (progress.status === 'running' && options.honourLeases && progress.leaseUntil !== null && progress.leaseUntil > now) later(progress.leaseUntil);
    else if (progress.status === 'retrying' && progress.retryAt !== null && progress.retryAt > now) later(progress.retryAt);
    else return deliveryOf(state, step, approval, notice, progress, options);
  }
  const requestedAt = approval.requestedAt;
  const base = { approvalId: approval.approvalId, stepId: step.id };
  if (step.escalation && !approval.escalated && now >= requestedAt + step.escalation.afterSeconds * 1000) {
    const dueAt = requestedAt + step.escalation.afterSeconds * 1000;
    return { kind: 'append', events: [{ type: 'ApprovalEscalated', data: { ...base, group: step.escalation.group, dueAt, nextNoticeAt: nextNoticeAt(step, requestedAt, approval.reminders, true) } }] };
  }
  if (step.reminders) {
    const everyMs = step.reminders.everySeconds * 1000;
    const n = Math.floor((now - requestedAt) / everyMs);
    if (n > approval.reminders) {
      return { kind: 'append', events: [{ type: 'ApprovalReminderDue', data: { ...base, n, dueAt: requestedAt + n * everyMs, nextNoticeAt: nextNoticeAt(step, requestedAt, n, approval.escalated) } }] };
    }
  }
  return { kind: 'none', wakeAt };
}

function deliveryOf(state: ActiveRunState, step: ApprovalStep, approval: ApprovalProgress, notice: string, progress: NoticeProgress, options: NoticeOptions): NoticeAction {
  const connector = step.notify!.connector;
  return {
    kind: 'notify', approvalId: approval.approvalId, stepId: step.id, notice,
    attempt: progress.status === 'running' ? progress.attempt : progress.attempt + 1, firstAttemptAt: progress.firstAttemptAt ?? options.now, connector,
    request: { method: 'POST', path: step.notify!.path ?? '/', body: noticeDocument(state, approval, notice, progress, options) },
    idempotencyKey: noticeIdempotencyKey(approval.approvalId, notice), retry: NOTICE_RETRY_POLICY,
  };
}

/** What the notify connector receives: enough to act on without calling back, and the link to decide. */
function noticeDocument(state: ActiveRunState, approval: ApprovalProgress, notice: string, progress: NoticeProgress, options: NoticeOptions): JsonObject {
  const escalation = notice === ESCALATION_NOTICE;
  const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());
  return {
    kind: escalation ? 'approval.escalation' : 'approval.reminder',
    approvalId: approval.approvalId, runId: state.runId, automation: state.automation, stepId: approval.stepId,
    prompt: options.prompt(),
    groups: approval.groups,
    n: escalation ? null : Number(notice.slice(notice.indexOf(':') + 1)),
    dueAt: iso(progress.dueAt), deadlineAt: iso(approval.deadlineAt),
    link: approvalLink(approval.approvalId, options.publicUrl),
  };
}
