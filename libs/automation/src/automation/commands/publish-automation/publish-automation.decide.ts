import type { Decider, JsonObject } from '#core';
import { canonicalJson } from '#event-store';
import type { AutomationEvent } from '../../automation.events.js';
import { evolveAutomation, initialAutomationState, type AutomationState } from '../../automation.state.js';

/** Publishing the definition the latest version already has changes nothing; otherwise it is the next version. */
export function decidePublishAutomation(command: { name: string; definition: JsonObject }, state: AutomationState): AutomationEvent[] {
  if (state.latest !== undefined && canonicalJson(state.latest) === canonicalJson(command.definition)) return [];
  return [{ type: 'AutomationPublished', data: { name: command.name, version: state.latestVersion + 1, definition: command.definition } }];
}

export const publishAutomationDecider: Decider<{ name: string; definition: JsonObject }, AutomationState, AutomationEvent> = {
  initialState: initialAutomationState,
  evolve: evolveAutomation,
  decide: decidePublishAutomation,
};
