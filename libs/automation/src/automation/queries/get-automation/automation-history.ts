import { Inject, Injectable } from '@nestjs/common';
import type { JsonObject } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { AUTOMATION_NAME_PATTERN } from '../../../definition/index.js';
import type { AutomationEvent, AutomationPublished } from '../../automation.events.js';
import { evolveAutomation, initialAutomationState } from '../../automation.state.js';
import { AutomationNotFoundError, AutomationVersionNotFoundError, InvalidAutomationNameError } from '../../automation.errors.js';
import { automationScope, automationStreamId } from '../../automation-stream.js';

export interface AutomationVersionSummary {
  version: number;
  publishedAt: string;
  /** The user who published it, as the event's metadata names them. */
  publishedBy: string | null;
  /** current: what a start uses now (the live version); shadow: compared with live runs; superseded: kept for the runs that started with it. */
  status: 'current' | 'shadow' | 'superseded';
}

export interface AutomationDetails {
  name: string;
  scope: string;
  /** Newest first. */
  versions: AutomationVersionSummary[];
  /** The version `definition` is of. */
  version: number;
  definition: JsonObject;
}

/** One automation's published versions, read from its stream (always current), with one version's definition. */
@Injectable()
export class AutomationHistory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** @throws InvalidAutomationNameError, AutomationNotFoundError, AutomationVersionNotFoundError */
  async get(tenantId: string, name: string, version?: number): Promise<AutomationDetails> {
    if (!AUTOMATION_NAME_PATTERN.test(name)) throw new InvalidAutomationNameError(name);
    const stream = await this.store.readStream(tenantId, automationStreamId(name));
    const published = stream.filter((event) => event.type === 'AutomationPublished');
    if (published.length === 0) throw new AutomationNotFoundError(name);
    const dataOf = (event: (typeof published)[number]) => (event as unknown as AutomationPublished).data;
    const state = stream.reduce((folded, event) => evolveAutomation(folded, event as unknown as AutomationEvent), initialAutomationState());
    const current = state.liveVersion;
    const statusOf = (version: number): AutomationVersionSummary['status'] => (version === current ? 'current' : version === state.shadow?.version ? 'shadow' : 'superseded');
    const chosen = published.find((event) => dataOf(event).version === (version ?? current));
    if (!chosen) throw new AutomationVersionNotFoundError(name, version!);
    return {
      name,
      scope: automationScope(name),
      versions: published.map((event) => ({
        version: dataOf(event).version,
        publishedAt: event.recordedAt,
        publishedBy: typeof event.metadata.userId === 'string' ? event.metadata.userId : null,
        status: statusOf(dataOf(event).version),
      })).reverse(),
      version: dataOf(chosen).version,
      definition: dataOf(chosen).definition,
    };
  }
}
