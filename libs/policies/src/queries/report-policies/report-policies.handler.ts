import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PolicyViews } from '../../projections/policy-views.js';
import type { PolicyReport } from './policy-report.js';
import { parseReportFilter } from './policy-report-filter.js';
import { ReportPoliciesQuery } from './report-policies.query.js';

@QueryHandler(ReportPoliciesQuery)
export class ReportPoliciesHandler implements IQueryHandler<ReportPoliciesQuery> {
  constructor(private readonly views: PolicyViews) {}

  execute({ metadata, filter }: ReportPoliciesQuery): Promise<PolicyReport> {
    return this.views.report(metadata.tenantId, parseReportFilter(filter));
  }
}
