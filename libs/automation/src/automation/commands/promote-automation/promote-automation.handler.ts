import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ValidationError, type CommandMetadata } from '#core';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { figuresOf, ShadowReports } from '../../../shadow/queries/shadow-report.js';
import type { AutomationPromoted } from '../../automation.events.js';
import { automationStreamId } from '../../automation-stream.js';
import { PromoteAutomationCommand, type PromoteAutomationResult } from './promote-automation.command.js';
import { promoteAutomationDecider, type PromoteAutomation } from './promote-automation.decide.js';

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
    const args = { name, override: reason ?? null };
    // A repeated call (same idempotency key) finds no shadow any more: it gets the first call's answer.
    const repeated = await this.repeated(metadata, name, args);
    if (repeated) return repeated;
    const report = await this.reports.current(metadata.tenantId, name);
    const command: PromoteAutomation = {
      name, version: report.shadowVersion, promotedBy: metadata.userId, figures: figuresOf(report), unmet: report.unmet, override: reason === undefined ? null : { reason },
    };
    const { state } = await handleCommand(this.store, metadata, automationStreamId(name), promoteAutomationDecider, command, args);
    return { name, version: state.liveVersion, previousVersion: report.liveVersion, overridden: reason !== undefined };
  }

  /** The answer of the promotion an accepted idempotency key made (handleCommand refuses the key for other arguments), or undefined. */
  private async repeated(metadata: CommandMetadata, name: string, args: { name: string; override: string | null }): Promise<PromoteAutomationResult | undefined> {
    if (metadata.idempotencyKey === undefined || !(await this.store.findIdempotencyKey(metadata.tenantId, metadata.idempotencyKey))) return undefined;
    const nothing: PromoteAutomation = { name, version: 0, promotedBy: metadata.userId, figures: { runs: 0, identicalRequestRate: 0, newFailureClasses: [] }, unmet: [], override: null };
    const { append } = await handleCommand(this.store, metadata, automationStreamId(name), promoteAutomationDecider, nothing, args);
    const [event] = append ? await this.store.readStream(metadata.tenantId, automationStreamId(name), { fromVersion: append.nextExpectedVersion, limit: 1 }) : [];
    if (event?.type !== 'AutomationPromoted') return undefined;
    const { version, previousVersion, override } = (event as unknown as AutomationPromoted).data;
    return { name, version, previousVersion, overridden: override !== null };
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
