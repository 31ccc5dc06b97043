import type { Decider } from '#core';
import type { CriteriaFigures, UnmetCriterion } from '../../../shadow/success-criteria.js';
import type { AutomationEvent } from '../../automation.events.js';
import { AutomationNotFoundError, NoShadowVersionError, ShadowVersionChangedError, SuccessCriteriaUnmetError } from '../../automation.errors.js';
import { automationFold, type AutomationState } from '../../automation.state.js';

export interface PromoteAutomation {
  name: string;
  /** The shadow version the report was read for. */
  version: number;
  promotedBy: string;
  figures: CriteriaFigures;
  /** The criteria the figures miss (unmetCriteria); empty when they all hold. */
  unmet: UnmetCriterion[];
  override: { reason: string } | null;
}

/**
 * The shadow version becomes live when its criteria hold, or with an override, which is recorded
 * with its reason and what it went past. Refused, with each unmet criterion, otherwise; refused
 * too when the shadow changed since its report was read.
 */
export function decidePromoteAutomation(command: PromoteAutomation, state: AutomationState): AutomationEvent[] {
  const { name, version, promotedBy, figures, unmet, override } = command;
  if (state.liveVersion === 0) throw new AutomationNotFoundError(name);
  if (!state.shadow) throw new NoShadowVersionError(name);
  if (state.shadow.version !== version) throw new ShadowVersionChangedError(name, version, state.shadow.version);
  if (unmet.length > 0 && !override) throw new SuccessCriteriaUnmetError(name, version, unmet, figures);
  return [{
    type: 'AutomationPromoted',
    data: { name, version, previousVersion: state.liveVersion, promotedBy, criteria: state.shadow.criteria, figures, override: override && { reason: override.reason, unmet } },
  }];
}

export const promoteAutomationDecider: Decider<PromoteAutomation, AutomationState, AutomationEvent> = { ...automationFold, decide: decidePromoteAutomation };
