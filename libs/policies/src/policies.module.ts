import { Module, type DynamicModule } from '@nestjs/common';
import { TOOL_POLICY } from '#mcp';
import { PublishPolicyHandler } from './commands/publish-policy/publish-policy.handler.js';
import { RemovePolicyHandler } from './commands/remove-policy/remove-policy.handler.js';
import { SetPolicyModeHandler } from './commands/set-policy-mode/set-policy-mode.handler.js';
import { TenantPolicyGate } from './evaluation/tenant-policy-gate.js';
import { PoliciesController } from './http/policies.controller.js';
import { PolicyViews } from './projections/policy-views.js';
import { ListPoliciesHandler } from './queries/list-policies/list-policies.handler.js';
import { ReportPoliciesHandler } from './queries/report-policies/report-policies.handler.js';
import { PolicyListTool } from './tools/policy-list.tool.js';
import { PolicyModeSetTool } from './tools/policy-mode-set.tool.js';
import { PolicyPublishTool } from './tools/policy-publish.tool.js';
import { PolicyRemoveTool } from './tools/policy-remove.tool.js';
import { PolicyReportTool } from './tools/policy-report.tool.js';

/**
 * Tenant policies in Cedar: their commands, queries and tools, the report's view, and the gate
 * the MCP front door asks before a tool runs (bound to #mcp's TOOL_POLICY port).
 */
@Module({})
export class PoliciesModule {
  static forRoot(): DynamicModule {
    return {
      module: PoliciesModule,
      global: true,
      providers: [
        PolicyViews, TenantPolicyGate, { provide: TOOL_POLICY, useExisting: TenantPolicyGate },
        PublishPolicyHandler, SetPolicyModeHandler, RemovePolicyHandler, ListPoliciesHandler, ReportPoliciesHandler,
        PolicyPublishTool, PolicyModeSetTool, PolicyRemoveTool, PolicyListTool, PolicyReportTool,
      ],
      exports: [TOOL_POLICY, PolicyViews],
    };
  }
}

/** The policies REST: processes without an API (workers) leave it out. */
@Module({ controllers: [PoliciesController] })
export class PoliciesHttpModule {}
