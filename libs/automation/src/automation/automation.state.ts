import type { JsonObject } from '#core';
import type { SuccessCriteria } from '../shadow/success-criteria.js';
import type { AutomationEvent } from './automation.events.js';

export interface ShadowVersion {
  version: number;
  definition: JsonObject;
  criteria: SuccessCriteria;
}

/**
 * `liveVersion` is the one starts use; `shadow`, when there is one, runs beside it. At most one
 * shadow at a time: a new shadow publish replaces it, a live publish or a promotion ends it.
 */
export interface AutomationState {
  /** The highest version number given out, live or shadow; 0 while never published. */
  latestVersion: number;
  liveVersion: number;
  live: JsonObject | undefined;
  shadow: ShadowVersion | null;
}

export const initialAutomationState = (): AutomationState => ({ latestVersion: 0, liveVersion: 0, live: undefined, shadow: null });

export function evolveAutomation(state: AutomationState, event: AutomationEvent): AutomationState {
  switch (event.type) {
    case 'AutomationPublished': {
      const { version, definition, inShadow, successCriteria } = event.data;
      if (inShadow && successCriteria) return { ...state, latestVersion: version, shadow: { version, definition, criteria: successCriteria } };
      return { latestVersion: version, liveVersion: version, live: definition, shadow: null };
    }
    case 'AutomationPromoted':
      if (state.shadow?.version !== event.data.version) return state;
      return { ...state, liveVersion: state.shadow.version, live: state.shadow.definition, shadow: null };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

/** States are replaced, never changed in place: a shallow copy is independent. */
export const automationFold = { initialState: initialAutomationState, evolve: evolveAutomation, copy: (state: AutomationState): AutomationState => ({ ...state }) };
