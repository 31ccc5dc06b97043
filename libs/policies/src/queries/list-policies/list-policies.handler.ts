import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadStream, type EventStore } from '#event-store';
import { policiesFold } from '../../policy.decider.js';
import { POLICIES_STREAM } from '../../policy-stream.js';
import { ListPoliciesQuery, type PolicySummary } from './list-policies.query.js';

/** The tenant's live policies, from its policies stream (cached state + tail: current across processes). */
@QueryHandler(ListPoliciesQuery)
export class ListPoliciesHandler implements IQueryHandler<ListPoliciesQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata }: ListPoliciesQuery): Promise<{ policies: PolicySummary[] }> {
    const { state } = await loadStream(this.store, metadata.tenantId, POLICIES_STREAM, policiesFold);
    return { policies: [...state.policies.values()].map(({ name, version, mode, text }) => ({ name, version, mode, text })).sort((a, b) => a.name.localeCompare(b.name)) };
  }
}
