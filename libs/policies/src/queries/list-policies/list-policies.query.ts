import { Query } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { PolicyMode } from '../../policy.events.js';

export interface PolicySummary {
  name: string;
  version: number;
  mode: PolicyMode;
  text: string;
}

export class ListPoliciesQuery extends Query<{ policies: PolicySummary[] }> {
  constructor(readonly metadata: CommandMetadata) {
    super();
  }
}
