import { setMaxListeners } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConnectorAbortedError, type OnBehalfOfRecord } from '#connectors';
import { ConnectorGateway } from '#connectors/nest';
import { EVENT_STORE, EventTooLargeError, loadStream, WrongExpectedVersionError, type AppendResult, type EventStore } from '#event-store';
import { contextOfTraceparent } from '#observability';
import { inSpan, sagaStepOutcomes, SpanKind, tracingEnabled, type Span } from '#observability/nest';
import { AutomationCatalog } from '../../automation/automation-catalog.js';
import { FINAL_RUN_EVENTS, type RunEvent } from '../run.events.js';
import { RunPersonalData, type OpenedValues } from '../run-personal-data.js';
import { ShadowComparer } from '../../shadow/shadow-comparer.js';
import type { TimedRunEvent } from '../../shadow/live-run-record.js';
import { actingFor } from '../run-starter.js';
import { evolveRun, isFinal, runFold, type ActiveRunState, type RunState } from '../run.state.js';
import type { NoticeAction } from './approval-notices.js';
import { callOutcomeEvents, noticeOutcomeEvent, type CallResult } from './call-outcome.js';
import { nextRunAction, type CallAction, type ConnectorAttempt } from './next-run-action.js';
import { SAGA_CLIENT } from './saga-client.js';
import { SecretRetirement } from './secret-retirement.js';
import { RUN_SCHEDULER_SETTINGS, type RunSchedulerSettings } from './run-scheduler.settings.js';

/** A call's outcome event says succeeded, retry (another attempt is due) or failed (gave up). */
function stepOutcomeOf(event: RunEvent | undefined): 'succeeded' | 'retry' | 'failed' | undefined {
  if (event?.type === 'StepSucceeded' || event?.type === 'CompensationSucceeded') return 'succeeded';
  if (event?.type === 'StepFailed' || event?.type === 'CompensationFailed') return event.data.retryAt === null ? 'failed' : 'retry';
  return undefined;
}

/** ledgerline_saga_step_outcomes_total, and the outcome on the step's span. */
function recordStepOutcome(action: CallAction, event: RunEvent | undefined, span: Span): void {
  const outcome = stepOutcomeOf(event);
  if (outcome === undefined) return;
  sagaStepOutcomes.inc({ purpose: action.purpose, outcome });
  span.setAttribute('ledgerline.outcome', outcome);
  if (event?.type === 'StepFailed' || event?.type === 'CompensationFailed') span.setAttribute('error.type', event.data.code);
}

/** A purge destroyed the key of the run's data: it cannot go on, and says why. */
function erasedRunFails(): { kind: 'append'; events: RunEvent[] } {
  return { kind: 'append', events: [{ type: 'RunFailed', data: { reason: 'personal_data_erased', stepId: null, message: "the run's personal data was erased by a purge: it cannot go on" } }] };
}

function isUnderWay(state: ActiveRunState, action: CallAction): boolean {
  const progress = action.purpose === 'step' ? state.steps[action.stepId] : state.compensations[action.stepId];
  return progress?.status === 'running' && progress.attempt === action.attempt;
}

export type DriveOutcome = { kind: 'done' } | { kind: 'parked'; streamVersion: number; until: number };

/**
 * Events the saga decided and folded into its state but has not appended yet: they go in with the
 * run's next append (the next step's start, a completion), one commit where there were two.
 * `outcome` says they begin with a call's outcome, whose recording has rules of its own (recordOutcome).
 */
interface Unsaved {
  events: RunEvent[];
  outcome?: { action: CallAction; count: number };
}

const NOTHING_UNSAVED: Unsaved = { events: [] };

type CallOutcome = { kind: 'called'; state: RunState; unsaved: Unsaved } | Extract<DriveOutcome, { kind: 'parked' }>;
/** `started`: the state after the attempt's start was appended; undefined when it was refused before (no such connector). */
type Attempted = { kind: 'attempted'; started: RunState | undefined; result: CallResult } | Extract<DriveOutcome, { kind: 'parked' }>;

/**
 * The events a drive appended to its run, each with the time the store recorded it, from the first one
 * after RunStarted: while `expected` is the stream's version, they are the whole run after its
 * start, and a shadow comparison need not read the stream back.
 */
interface KeptTimeline {
  expected: number;
  events: TimedRunEvent[];
}

/** How long past a call's timeout its lease runs: another worker redoes the call only after that. */
const LEASE_MARGIN_MS = 5000;

/**
 * Carries one run forward as far as it can go now: read the stream, ask nextRunAction, append
 * what it says, make the connector call it asks for and append the outcome, until the run must
 * wait (a time, a person, a rate limit) or is over. Every step is an append with the version that
 * was read, so two workers on one run cannot both record a step; a call redone after a crash
 * carries the same idempotency key. The stream is read once per drive: the worker knows what it
 * appended, and a conflict (someone else appended) makes it read again. What it decides without a
 * call (an outcome, a completion) rides with its next append, so a two-step run takes four commits
 * (start, first call started, first outcome with the second call started, second outcome with the
 * completion), not six; a crash before such an append loses only decisions, which are made again
 * (a call's outcome by making the call again, with the same key).
 */
@Injectable()
export class RunWorker {
  private readonly logger = new Logger(RunWorker.name);
  /** Aborted when shutting down begins: a run under way stops before its next step (the step under way finishes). */
  readonly draining = new AbortController();
  /** Aborted when the drain time is up: calls under way stop, record nothing, and are made again (same key) after the restart. */
  readonly shutdown = new AbortController();
  /** Per run being driven from its start: what the drive appended (KeptTimeline). */
  private readonly timelines = new Map<string, KeptTimeline>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: AutomationCatalog,
    private readonly gateway: ConnectorGateway,
    private readonly secrets: SecretRetirement,
    @Inject(RUN_SCHEDULER_SETTINGS) private readonly settings: RunSchedulerSettings,
    private readonly personalData: RunPersonalData,
    private readonly shadows: ShadowComparer,
  ) {
    // Every call under way listens to it (one listener each, removed after the call): up to the run concurrency.
    setMaxListeners(settings.concurrency + 16, this.shutdown.signal);
  }

  /**
   * A span per drive, continuing the trace of the run's last event (its start, a decision, the
   * previous step: whatever moved it last), read from the log, so it works the same in the
   * process that appended it and in a worker fed from Kafka or PostgreSQL.
   */
  async drive(tenantId: string, runId: string): Promise<DriveOutcome> {
    const parent = tracingEnabled() ? contextOfTraceparent((await this.store.readStream(tenantId, runId, { direction: 'backward', limit: 1 }))[0]?.metadata ?? {}) : undefined;
    const attributes = { 'ledgerline.tenant.id': tenantId, 'ledgerline.run.id': runId };
    return inSpan('run.drive', { kind: SpanKind.CONSUMER, attributes, parent }, () => this.carry(tenantId, runId));
  }

  /** `state` always includes `unsaved`: decisions are made on what the stream will hold once they are appended. */
  private async carry(tenantId: string, runId: string): Promise<DriveOutcome> {
    const state = await this.load(tenantId, runId);
    if (state.status === 'none' || state.shadowVersion === undefined || state.streamVersion !== 1) return this.carryFrom(tenantId, runId, state);
    // A run with a shadow, driven from its start: its comparison is made from what this drive appends.
    const key = `${tenantId}\u0000${runId}`;
    const kept: KeptTimeline = { expected: 1, events: [] };
    this.timelines.set(key, kept);
    try {
      return await this.carryFrom(tenantId, runId, state);
    } finally {
      if (this.timelines.get(key) === kept) this.timelines.delete(key);
    }
  }

  private async carryFrom(tenantId: string, runId: string, loaded: RunState): Promise<DriveOutcome> {
    let state = loaded;
    let unsaved = NOTHING_UNSAVED;
    // The run's sealed values this drive opened: each is opened once per drive, not at every step.
    const opened: OpenedValues = new WeakMap();
    for (;;) {
      try {
        if (state.status === 'none') return { kind: 'done' };
        // Before the drain's check: a run that just closed (a call gave up while draining) closes as always.
        if (isFinal(state)) {
          await this.saveClosing(tenantId, state, unsaved, [], opened, this.keptTimeline(tenantId, state, unsaved));
          for (const [connector, version] of Object.entries(state.secretPins)) await this.secrets.retireIfUnused(tenantId, connector, version, state.runId);
          return { kind: 'done' };
        }
        if (this.draining.signal.aborted) {
          await this.save(tenantId, state, unsaved);
          return { kind: 'parked', streamVersion: state.streamVersion, until: Number.MAX_SAFE_INTEGER };
        }
        const definition = await this.catalog.version(tenantId, state.automation, state.version);
        if (!definition) throw new Error(`automation ${state.automation} v${state.version} is missing from the log`);
        // The saga decides on the run's data opened; what it appends is sealed again (RunPersonalData).
        const openedState = await this.personalData.openState(tenantId, state, opened);
        const now = Date.now();
        const action = openedState === 'erased' ? erasedRunFails() : nextRunAction(openedState, definition, { now, honourLeases: this.settings.honourLeases, publicUrl: this.settings.publicUrl });
        if (action.kind === 'idle') {
          await this.save(tenantId, state, unsaved);
          return { kind: 'parked', streamVersion: state.streamVersion, until: action.wakeAt ?? Number.MAX_SAFE_INTEGER };
        }
        if (action.kind === 'append') {
          const sealed = await this.personalData.sealEvents(tenantId, state, action.events, opened);
          unsaved = { ...unsaved, events: [...unsaved.events, ...sealed] };
          state = sealed.reduce(evolveRun, state);
          continue;
        }
        const called = action.kind === 'notify' ? await this.notify(tenantId, state, unsaved, action) : await this.call(tenantId, state, unsaved, action, opened);
        if (called.kind === 'parked') return called;
        ({ state, unsaved } = called);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        state = await this.afterConflict(tenantId, runId, unsaved);
        unsaved = NOTHING_UNSAVED;
      }
    }
  }

  private call(tenantId: string, state: ActiveRunState, unsaved: Unsaved, action: CallAction, opened: OpenedValues): Promise<CallOutcome> {
    const attributes = { 'ledgerline.run.purpose': action.purpose, 'ledgerline.run.step': action.stepId, 'ledgerline.run.attempt': action.attempt, 'ledgerline.connector': action.connector };
    return inSpan(`run.${action.purpose}`, { attributes }, (span) => this.callIn(span, tenantId, state, unsaved, action, opened));
  }

  /** Appends what was unsaved with the call's start; the call's outcome comes back unsaved, to ride with the next append. */
  private async callIn(span: Span, tenantId: string, state: ActiveRunState, unsaved: Unsaved, action: CallAction, opened: OpenedValues): Promise<CallOutcome> {
    const attempted = await this.attempt(span, tenantId, state, unsaved, action, (startedAt, leaseUntil) => {
      const data = { stepId: action.stepId, attempt: action.attempt, startedAt, leaseUntil };
      return action.purpose === 'step' ? { type: 'StepStarted', data } : { type: 'CompensationStarted', data };
    });
    if (attempted.kind === 'parked') return attempted;
    const { result } = attempted;
    // Refused before its start was recorded: what was unsaved goes in now (the refusal itself is not the attempt's, see below).
    const started = (attempted.started ?? (await this.save(tenantId, state, unsaved))) as ActiveRunState;
    const decided = callOutcomeEvents(action, result, Date.now(), Math.random);
    recordStepOutcome(action, decided[0], span);
    // Only the call under way has an outcome to record; cancelling, only the call's own record (its retry or give-up no longer matters).
    if (!isUnderWay(started, action)) return { kind: 'called', state: started, unsaved: NOTHING_UNSAVED };
    const outcome = await this.personalData.sealEvents(tenantId, state, started.status === 'cancelling' ? decided.slice(0, 1) : decided, opened);
    return { kind: 'called', state: outcome.reduce(evolveRun, started as RunState), unsaved: { events: outcome, outcome: { action, count: outcome.length } } };
  }

  /**
   * Someone else appended to the run: what was unsaved was decided on a stale state and is
   * decided again on the new one, except a call's outcome, a fact about the downstream: it is
   * recorded even when the stream moved meanwhile (a cancellation came in), as long as the call
   * is still the one under way there. Cancelling, only the call's own record goes in.
   */
  private async afterConflict(tenantId: string, runId: string, unsaved: Unsaved): Promise<RunState> {
    const current = await this.load(tenantId, runId);
    if (!unsaved.outcome) return current;
    return this.recordOutcome(tenantId, runId, current, unsaved.outcome.action, unsaved.events.slice(0, unsaved.outcome.count));
  }

  private async recordOutcome(tenantId: string, runId: string, state: RunState, action: CallAction, outcome: RunEvent[]): Promise<RunState> {
    for (let current: RunState = state; ;) {
      if (current.status === 'none' || isFinal(current) || !isUnderWay(current, action)) return current;
      try {
        // An outcome that closes the run (the step gave up) carries the comparison, as a close by the drive would.
        return await this.saveClosing(tenantId, current, NOTHING_UNSAVED, current.status === 'cancelling' ? outcome.slice(0, 1) : outcome);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        current = await this.load(tenantId, runId);
      }
    }
  }

  /**
   * save(), with the run's shadow comparison, if it has one, in the final event that `unsaved`
   * or `events` carry (none: a plain save). A comparison that would make the final event too large
   * for the store is left out (and logged): it must never keep a run from closing.
   */
  private async saveClosing(tenantId: string, state: ActiveRunState, unsaved: Unsaved, events: RunEvent[], opened?: OpenedValues, kept?: readonly TimedRunEvent[]): Promise<RunState> {
    const closing = [...unsaved.events, ...events];
    const compared = await this.withComparison(tenantId, events.reduce(evolveRun, state as RunState), closing, opened, kept);
    if (compared === closing) return this.save(tenantId, state, unsaved, events);
    const split = unsaved.events.length;
    try {
      return await this.save(tenantId, state, { ...unsaved, events: compared.slice(0, split) }, compared.slice(split));
    } catch (error) {
      if (!(error instanceof EventTooLargeError)) throw error;
      this.logger.warn({ msg: 'shadow comparison left out: the final event would be too large', tenantId, runId: state.runId });
      return this.save(tenantId, state, unsaved, events);
    }
  }

  /**
   * `closing` with the run's shadow comparison (ShadowComparer) in its final event, when it has
   * one and the run has a shadow version: the run then closes with its comparison or not at all.
   * `closed`: the state after `closing`.
   */
  private async withComparison(tenantId: string, closed: RunState, closing: RunEvent[], opened?: OpenedValues, kept?: readonly TimedRunEvent[]): Promise<RunEvent[]> {
    const at = closing.findIndex((event) => FINAL_RUN_EVENTS.has(event.type));
    if (at < 0 || closed.status === 'none' || closed.shadowVersion === undefined) return closing;
    const comparison = await this.shadows.comparisonOf(tenantId, closed, closing, opened, kept);
    if (!comparison) return closing;
    return closing.map((event, index) => (index === at ? ({ ...event, data: { ...event.data, shadow: comparison } } as RunEvent) : event));
  }

  /**
   * Appends the unsaved events (already folded into `state`) and then `events`, in one commit at
   * the version the stream had before the unsaved ones; the state after all of them.
   */
  private async save(tenantId: string, state: ActiveRunState, unsaved: Unsaved, events: RunEvent[] = []): Promise<RunState> {
    const all = [...unsaved.events, ...events];
    if (all.length === 0) return state;
    const metadata = { clientId: SAGA_CLIENT, correlationId: state.runId };
    const expected = state.streamVersion - unsaved.events.length;
    const appended = await this.store.append(tenantId, state.runId, expected, all.map((event) => ({ type: event.type, data: event.data, metadata })));
    this.keep(tenantId, state.runId, expected, all, appended);
    return events.reduce(evolveRun, state as RunState);
  }

  /**
   * Adds an append to its run's kept timeline, at the time the store recorded it (as a read of the
   * stream would give it); one that does not follow on (the stream moved under the drive) ends it.
   */
  private keep(tenantId: string, runId: string, expected: number, events: RunEvent[], appended: AppendResult): void {
    if (this.timelines.size === 0) return;
    const key = `${tenantId}\u0000${runId}`;
    const kept = this.timelines.get(key);
    if (!kept) return;
    if (kept.expected !== expected || appended.nextExpectedVersion !== expected + events.length || appended.recordedAt === undefined) {
      this.timelines.delete(key);
      return;
    }
    const at = Date.parse(appended.recordedAt);
    for (const event of events) kept.events.push({ event, at });
    kept.expected += events.length;
  }

  /** The run's events after RunStarted as this drive appended them, when they are all of what the stream holds before `unsaved`. */
  private keptTimeline(tenantId: string, state: ActiveRunState, unsaved: Unsaved): readonly TimedRunEvent[] | undefined {
    const kept = this.timelines.get(`${tenantId}\u0000${state.runId}`);
    // Not copied: the comparison copies it into its timeline before the close appends to it.
    return kept && kept.expected === state.streamVersion - unsaved.events.length ? kept.events : undefined;
  }

  /**
   * Delivers a reminder or an escalation like a step's call (the gateway's egress, rate, secret and
   * on-behalf-of; a lease; the same key on every attempt), except that its outcome is appended at
   * once, even when the run moved meanwhile, as long as the attempt is still the one under way.
   */
  private notify(tenantId: string, state: ActiveRunState, unsaved: Unsaved, action: NoticeAction): Promise<CallOutcome> {
    const attributes = { 'ledgerline.run.step': action.stepId, 'ledgerline.run.notice': action.notice, 'ledgerline.run.attempt': action.attempt, 'ledgerline.connector': action.connector };
    return inSpan('run.notice', { attributes }, async (span) => {
      const attempted = await this.attempt(span, tenantId, state, unsaved, action, (startedAt, leaseUntil) => ({
        type: 'ApprovalNotificationStarted', data: { approvalId: action.approvalId, stepId: action.stepId, notice: action.notice, attempt: action.attempt, startedAt, leaseUntil },
      }));
      if (attempted.kind === 'parked') return attempted;
      const { result } = attempted;
      const started = attempted.started ?? (await this.save(tenantId, state, unsaved));
      const outcome = noticeOutcomeEvent(action, result, Date.now(), Math.random);
      span.setAttribute('ledgerline.outcome', outcome.type === 'ApprovalNotificationSent' ? 'sent' : 'failed');
      return { kind: 'called', state: await this.recordNotice(tenantId, state.runId, started, action, outcome), unsaved: NOTHING_UNSAVED };
    });
  }

  /**
   * One attempt at a connector call: its start appended with what was unsaved, the call, its result.
   * Over the connector's outbound rate the work waits its turn (in memory; a crash just retries it),
   * never dropped; cut off by the shutdown, it records nothing and is made again (same key) after the restart.
   */
  private async attempt(span: Span, tenantId: string, state: ActiveRunState, unsaved: Unsaved, action: ConnectorAttempt, start: (startedAt: number, leaseUntil: number) => RunEvent): Promise<Attempted> {
    let started: RunState | undefined;
    let onBehalfOf: OnBehalfOfRecord | undefined;
    try {
      const connector = await this.gateway.prepare(tenantId, action.connector, state.secretPins[action.connector] ?? 0);
      const waitMs = this.gateway.takeCallSlot(connector);
      if (waitMs > 0) {
        await this.save(tenantId, state, unsaved);
        span.setAttribute('ledgerline.outcome', 'held_back');
        return { kind: 'parked', streamVersion: state.streamVersion, until: Date.now() + waitMs };
      }
      const now = Date.now();
      started = await this.save(tenantId, state, unsaved, [start(now, now + connector.config.timeoutMs + LEASE_MARGIN_MS)]);
      // Made once the attempt is recorded, so a refusal (no signer) is that attempt's failure; a fresh jti per attempt.
      const assertion = await this.gateway.assertionFor(connector, actingFor(tenantId, state, action.stepId));
      onBehalfOf = assertion?.record;
      return { kind: 'attempted', started, result: { ok: true, response: await this.gateway.call(connector, action.request, action.idempotencyKey, this.shutdown.signal, assertion), onBehalfOf } };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw error;
      if (error instanceof ConnectorAbortedError) {
        span.setAttribute('ledgerline.outcome', 'aborted');
        return { kind: 'parked', streamVersion: Number.MAX_SAFE_INTEGER, until: Number.MAX_SAFE_INTEGER };
      }
      return { kind: 'attempted', started, result: { ok: false, error, onBehalfOf } };
    }
  }

  /** A refusal before the start was recorded (no such connector) is the attempt's outcome too, so the notice does not loop. */
  private async recordNotice(tenantId: string, runId: string, state: RunState, action: NoticeAction, outcome: RunEvent): Promise<RunState> {
    for (let current = state; ;) {
      const notice = current.status === 'none' || current.approval?.approvalId !== action.approvalId ? undefined : current.approval.notices[action.notice];
      const open = notice !== undefined && (notice.status === 'due' || (notice.status === 'running' && notice.attempt === action.attempt) || (notice.status === 'retrying' && notice.attempt + 1 === action.attempt));
      if (current.status === 'none' || isFinal(current) || !open) return current;
      try {
        return await this.save(tenantId, current, NOTHING_UNSAVED, [outcome]);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        current = await this.load(tenantId, runId);
      }
    }
  }

  private async load(tenantId: string, runId: string): Promise<RunState> {
    return (await loadStream(this.store, tenantId, runId, runFold)).state;
  }

}
