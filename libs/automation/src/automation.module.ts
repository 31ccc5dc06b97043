import { Module, type DynamicModule } from '@nestjs/common';
import { AutomationCatalog } from './automation/automation-catalog.js';
import { AutomationToolSource } from './automation/automation-tool.source.js';
import { AutomationHistory } from './automation/queries/get-automation/automation-history.js';
import { PublishAutomationHandler } from './automation/commands/publish-automation/publish-automation.handler.js';
import { AutomationListTool } from './automation/tools/automation-list.tool.js';
import { AutomationPublishTool } from './automation/tools/automation-publish.tool.js';
import { CancelRunHandler } from './run/commands/cancel-run/cancel-run.handler.js';
import { DecideApprovalHandler } from './run/commands/decide-approval/decide-approval.handler.js';
import { StartRunHandler } from './run/commands/start-run/start-run.handler.js';
import { DryRunHandler } from './run/commands/dry-run/dry-run.handler.js';
import { ShadowComparer } from './shadow/shadow-comparer.js';
import { ShadowReports } from './shadow/queries/shadow-report.js';
import { AutomationShadowReportTool } from './shadow/tools/automation-shadow-report.tool.js';
import { PromoteAutomationHandler } from './automation/commands/promote-automation/promote-automation.handler.js';
import { AutomationPromoteTool } from './automation/tools/automation-promote.tool.js';
import { RunScheduler } from './run/process/run-scheduler.js';
import { DEFAULT_RUN_SCHEDULER_SETTINGS, RUN_SCHEDULER_SETTINGS, type RunSchedulerSettings } from './run/process/run-scheduler.settings.js';
import { RunWorker } from './run/process/run-worker.js';
import { RetireAfterRotation, SecretRetirement } from './run/process/secret-retirement.js';
import { RunViews } from './run/projections/run-views.js';
import { RunTimeline } from './run/queries/run-events/run-timeline.js';
import { RunReader } from './run/run-reader.js';
import { RunPersonalData } from './run/run-personal-data.js';
import { ApprovalDecideTool } from './run/tools/approval-decide.tool.js';
import { ApprovalListTool } from './run/tools/approval-list.tool.js';
import { RunCancelTool } from './run/tools/run-cancel.tool.js';
import { RunGetTool } from './run/tools/run-get.tool.js';
import { AutomationsController } from './automation/http/automations.controller.js';
import { ApprovalsController } from './run/http/approvals.controller.js';
import { DryRunsController } from './run/http/dry-runs.controller.js';
import { RunsController } from './run/http/runs.controller.js';
import { RunListTool } from './run/tools/run-list.tool.js';
import { RunTasks } from './run/run-tasks.js';
import { ApproverGroups } from './group/approver-groups.js';
import { SetGroupHandler } from './group/commands/set-group/set-group.handler.js';
import { GroupsController } from './group/http/groups.controller.js';
import { GroupListTool } from './group/tools/group-list.tool.js';
import { GroupSetTool } from './group/tools/group-set.tool.js';

/** Automations and their runs: publishing, one tool per automation, the run saga, approvals and their approver groups. */
@Module({})
export class AutomationModule {
  static forRoot(settings: RunSchedulerSettings = DEFAULT_RUN_SCHEDULER_SETTINGS): DynamicModule {
    return {
      module: AutomationModule,
      global: true,
      exports: [AutomationCatalog, AutomationHistory, ShadowReports, RunViews, RunReader, RunTimeline, RunScheduler, ApproverGroups],
      providers: [
        { provide: RUN_SCHEDULER_SETTINGS, useValue: settings },
        AutomationCatalog, AutomationHistory, AutomationToolSource, PublishAutomationHandler, AutomationPublishTool, AutomationListTool,
        ShadowReports, PromoteAutomationHandler, AutomationShadowReportTool, AutomationPromoteTool,
        RunPersonalData, RunViews, RunReader, RunTimeline, RunWorker, RunScheduler, SecretRetirement, RetireAfterRotation, StartRunHandler, DryRunHandler, ShadowComparer, CancelRunHandler, DecideApprovalHandler,
        RunGetTool, RunListTool, RunCancelTool, ApprovalListTool, ApprovalDecideTool, RunTasks,
        ApproverGroups, SetGroupHandler, GroupSetTool, GroupListTool,
      ],
    };
  }
}

/** Admin REST for automations, approvals, approver groups and runs: processes without an API (workers) leave it out. */
@Module({ controllers: [AutomationsController, DryRunsController, ApprovalsController, GroupsController, RunsController] })
export class AutomationHttpModule {}
