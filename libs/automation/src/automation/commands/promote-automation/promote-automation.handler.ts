import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ValidationError } from '#core';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { figuresOf, ShadowReports } from '../../../shadow/queries/shadow-report.js';
import { automationStreamId } from '../../automation-stream.js';
import { PromoteAutomationCommand, type PromoteAutomationResult } from './promote-automation.command.js';
import { promoteAutomationDecider } from './promote-automation.decide.js';

const MAX_REASON_LENGTH = 500;

/** Checks the shadow's report against its criteria, then promotes (decidePromoteAutomation). */
@CommandHandler(PromoteAutomationCommand)
export class PromoteAutomationHandler implements ICommandHandler<PromoteAutomationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reports: ShadowReports,
  ) {}

  async execute({ metadata, name, override }: PromoteAutomationCommand): Promise<PromoteAutomationResult> {
    const reason = overrideReason(override);
    const report = await this.reports.current(metadata.tenantId, name);
    const command = {
      name, version: report.shadowVersion, promotedBy: metadata.userId, figures: figuresOf(report), unmet: report.unmet, override: reason === undefined ? null : { reason },
    };
    const { state } = await handleCommand(this.store, metadata, automationStreamId(name), promoteAutomationDecider, command, { name, override: reason ?? null });
    return { name, version: state.liveVersion, previousVersion: report.liveVersion, overridden: reason !== undefined };
  }
}

/** An absent override (REST's null too, as its other optional fields) is none; anything else needs an object with a reason. */
function overrideReason(override: PromoteAutomationCommand['override'] | null): string | undefined {
  if (override === undefined || override === null) return undefined;
  const given: unknown = typeof override === 'object' && !Array.isArray(override) ? override.reason : undefined;
  const reason = typeof given === 'string' ? given.trim() : '';
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw new ValidationError('automation.invalid_override', `an override needs a reason of 1-${MAX_REASON_LENGTH} characters`, { issues: [{ path: 'override.reason', message: `1-${MAX_REASON_LENGTH} characters` }] });
  }
  return reason;
}
