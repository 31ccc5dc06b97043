import type { Decider, JsonObject, JsonValue } from '#core';
import { canonicalJson } from '#event-store';
import type { SuccessCriteria } from '../../../shadow/success-criteria.js';
import type { AutomationEvent } from '../../automation.events.js';
import { NoLiveVersionError } from '../../automation.errors.js';
import { automationFold, type AutomationState } from '../../automation.state.js';

export interface PublishAutomation {
  name: string;
  definition: JsonObject;
  /** Present: publish in shadow, judged by these criteria. */
  shadow?: SuccessCriteria;
}

const same = (a: JsonValue, b: JsonValue): boolean => canonicalJson(a) === canonicalJson(b);

/**
 * Publishing what the slot already holds changes nothing (the live definition live, the shadow's
 * definition and criteria in shadow); otherwise it is the next version. A shadow needs a live
 * version to run beside; a live publish ends any shadow.
 */
export function decidePublishAutomation(command: PublishAutomation, state: AutomationState): AutomationEvent[] {
  const { name, definition, shadow } = command;
  const version = state.latestVersion + 1;
  if (shadow === undefined) {
    if (state.live !== undefined && same(state.live, definition)) return [];
    return [{ type: 'AutomationPublished', data: { name, version, definition } }];
  }
  if (state.liveVersion === 0) throw new NoLiveVersionError(name);
  if (state.shadow && same(state.shadow.definition, definition) && same(state.shadow.criteria, shadow)) return [];
  return [{ type: 'AutomationPublished', data: { name, version, definition, inShadow: true, successCriteria: shadow } }];
}

export const publishAutomationDecider: Decider<PublishAutomation, AutomationState, AutomationEvent> = { ...automationFold, decide: decidePublishAutomation };
