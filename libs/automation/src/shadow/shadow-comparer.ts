import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JsonObject } from '#core';
import { ConnectorGateway } from '#connectors/nest';
import { EVENT_STORE, WrongExpectedVersionError, type EventStore } from '#event-store';
import { AutomationCatalog } from '../automation/automation-catalog.js';
import { readDryConnectors } from '../run/commands/dry-run/dry-connectors.js';
import { SAGA_CLIENT } from '../run/process/saga-client.js';
import { FINAL_RUN_EVENTS, type RunEvent } from '../run/run.events.js';
import { RunPersonalData, type OpenedValues } from '../run/run-personal-data.js';
import type { ActiveRunState } from '../run/run.state.js';
import type { TimedRunEvent } from './live-run-record.js';
import { runShadowJob, type ShadowJob } from './shadow-job.js';
import { shadowStreamId, type ShadowRunCompared } from './shadow.events.js';

/** A comparison made and ready to append: the append starts in the turn this is called. */
export type ShadowAppend = () => Promise<void>;

/**
 * Compares a live run that is about to close with its shadow version (compareShadowRun) and
 * appends the comparison on shadow-<runId> at no-stream: exactly once however often it is tried.
 * The run worker appends it with the run's final event, never after it: in the same turn where
 * the store commits both in one transaction (EventStore.groupCommits), so the close waits for one
 * commit; else first. A crash before the final event is durable is redone (the comparison
 * conflicts and is skipped, the final event goes in), so nothing is lost.
 * Nothing here calls a connector, asks an approver or touches the run's stream. Everything the
 * comparison reads is read first (ShadowJob); the comparison itself is pure (runShadowJob).
 */
@Injectable()
export class ShadowComparer {
  private readonly logger = new Logger(ShadowComparer.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: AutomationCatalog,
    private readonly personalData: RunPersonalData,
    private readonly gateway: ConnectorGateway,
  ) {}

  /**
   * `state` is final and includes `unsaved`, the events about to be appended with it. When the
   * final event is already in the stream (recorded on another path), the shadow stream is looked
   * at first, so a run driven again after it closed is not planned twice. Undefined when there is
   * nothing to append: no shadow, compared before, or a comparison that could not be made.
   * `kept`: the run's events after RunStarted, up to `unsaved`, as the drive appended them (each
   * with its recordedAt); without it they are read from the stream.
   */
  async comparisonOf(tenantId: string, state: ActiveRunState, unsaved: readonly RunEvent[], opened?: OpenedValues, kept?: readonly TimedRunEvent[]): Promise<ShadowAppend | undefined> {
    if (state.shadowVersion === undefined) return undefined;
    const streamId = shadowStreamId(state.runId);
    const closingNow = unsaved.some((event) => FINAL_RUN_EVENTS.has(event.type));
    if (!closingNow && (await this.store.readStream(tenantId, streamId, { limit: 1 })).length > 0) return undefined;
    let data: ShadowRunCompared['data'] | undefined;
    try {
      data = await this.compare(tenantId, state, unsaved, opened, kept);
    } catch (error) {
      // A comparison is an observation: one that cannot be made must not keep the live run from closing.
      this.logger.warn({ msg: 'shadow comparison failed', tenantId, runId: state.runId, error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
    if (!data) return undefined;
    const compared = data;
    return async () => {
      try {
        await this.store.append(tenantId, streamId, 'no-stream', [{ type: 'ShadowRunCompared', data: compared, metadata: { clientId: SAGA_CLIENT, correlationId: state.runId } }]);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    };
  }

  private async compare(tenantId: string, state: ActiveRunState, unsaved: readonly RunEvent[], openedValues?: OpenedValues, kept?: readonly TimedRunEvent[]): Promise<ShadowRunCompared['data'] | undefined> {
    const [live, shadow] = await Promise.all([
      this.catalog.version(tenantId, state.automation, state.version),
      this.catalog.version(tenantId, state.automation, state.shadowVersion!),
    ]);
    const opened = await this.personalData.openState(tenantId, state, openedValues);
    // A purge erased the run's data: there is no input left to plan the shadow on.
    if (!live || !shadow || opened === 'erased') return undefined;
    // From version 2: the record is made of the steps' and approvals' events; RunStarted (version 1,
    // the run's largest event, its input sealed) is in `state` already. A drive that carried the run
    // from its start kept them as it appended them: nothing to read back.
    const stored = kept ?? (await this.store.readStream(tenantId, state.runId, { fromVersion: 2 })).map((event) => ({ event: { type: event.type, data: event.data } as unknown as RunEvent, at: Date.parse(event.recordedAt) }));
    const now = Date.now();
    const timeline: TimedRunEvent[] = [...stored, ...unsaved.map((event) => ({ event, at: now }))];
    const job: ShadowJob = {
      runId: state.runId, automation: state.automation,
      live: { version: state.version, definition: live }, shadow: { version: state.shadowVersion!, definition: shadow },
      input: opened.input as JsonObject, startedBy: state.startedBy, startedAt: state.startedAt,
      ...(state.policyApproval && { policyApproval: { groups: state.policyApproval.groups, policies: state.policyApproval.policies } }),
      timeline, final: opened,
      // Both plans see each connector as it was when the comparison began (read once, not per call).
      connectors: await readDryConnectors(this.gateway, tenantId, [live, shadow]),
    };
    return runShadowJob(job, this.gateway.callEgress);
  }
}
