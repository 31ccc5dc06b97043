import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, loadStream, type EventStore } from '#event-store';
import { APPROVER_GROUPS_STREAM } from './group-stream.js';
import { callerGroupsOf, groupsFold } from './group.state.js';

/** The tenant's approver groups, read from their stream: current for every decision, in any process. */
@Injectable()
export class ApproverGroups {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async list(tenantId: string): Promise<Array<{ group: string; members: string[] }>> {
    const { state } = await loadStream(this.store, tenantId, APPROVER_GROUPS_STREAM, groupsFold);
    return [...state.groups].map(([group, members]) => ({ group, members: [...members] })).sort((a, b) => a.group.localeCompare(b.group));
  }

  /** The caller's groups: its token's groups claim and the tenant's lists it is on. */
  async of(metadata: CommandMetadata): Promise<string[]> {
    const { state } = await loadStream(this.store, metadata.tenantId, APPROVER_GROUPS_STREAM, groupsFold);
    return callerGroupsOf(state, metadata.userId, metadata.groups);
  }
}
