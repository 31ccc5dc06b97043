import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JsonObject } from '#core';
import { ConnectorGateway } from '#connectors/nest';
import { EVENT_STORE, type EventStore } from '#event-store';
import { AutomationCatalog } from '../automation/automation-catalog.js';
import { readDryConnectors } from '../run/commands/dry-run/dry-connectors.js';
import type { RunEvent } from '../run/run.events.js';
import { RunPersonalData, type OpenedValues } from '../run/run-personal-data.js';
import type { ActiveRunState } from '../run/run.state.js';
import type { TimedRunEvent } from './live-run-record.js';
import { runShadowJob, type ShadowJob } from './shadow-job.js';
import type { ShadowComparison } from './shadow.events.js';

/**
 * Compares a live run that is about to close with its shadow version (compareShadowRun): the
 * comparison rides in the run's final event (ShadowComparison), so the run closes with it or not
 * at all, and a run closes once. Nothing here calls a connector, asks an approver or appends
 * (the run worker appends the final event). Everything the comparison reads is read first
 * (ShadowJob); the comparison itself is pure (runShadowJob).
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
   * The comparison for a run of `state` (final, with a shadow version) that `closing`, the events
   * about to be appended, close; undefined when it cannot be made (the run's data purged, a
   * version missing, a fault): that is logged, and the live run closes all the same.
   * `kept`: the run's events after RunStarted, up to `closing`, as the drive appended them (each
   * with its recordedAt); without it they are read from the stream.
   */
  async comparisonOf(tenantId: string, state: ActiveRunState, closing: readonly RunEvent[], opened?: OpenedValues, kept?: readonly TimedRunEvent[]): Promise<ShadowComparison | undefined> {
    if (state.shadowVersion === undefined) return undefined;
    try {
      return await this.compare(tenantId, state, closing, opened, kept);
    } catch (error) {
      // A comparison is an observation: one that cannot be made must not keep the live run from closing.
      this.logger.warn({ msg: 'shadow comparison failed', tenantId, runId: state.runId, error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
  }

  private async compare(tenantId: string, state: ActiveRunState, unsaved: readonly RunEvent[], openedValues?: OpenedValues, kept?: readonly TimedRunEvent[]): Promise<ShadowComparison | undefined> {
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
