import { Query } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { PolicyReport } from './policy-report.js';

/** The filter as the caller gave it: the handler checks it (policy-report-filter.ts). */
export class ReportPoliciesQuery extends Query<PolicyReport> {
  constructor(readonly metadata: CommandMetadata, readonly filter: Readonly<Record<string, unknown>>) {
    super();
  }
}
