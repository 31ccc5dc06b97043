import type { JsonObject } from '#core';
import type { AutomationEvent } from './automation.events.js';

export interface AutomationState {
  /** 0 while never published. */
  latestVersion: number;
  latest: JsonObject | undefined;
}

export const initialAutomationState = (): AutomationState => ({ latestVersion: 0, latest: undefined });

export function evolveAutomation(state: AutomationState, event: AutomationEvent): AutomationState {
  switch (event.type) {
    case 'AutomationPublished':
      return { latestVersion: event.data.version, latest: event.data.definition };
    default: {
      const unexpected: never = event.type;
      return unexpected;
    }
  }
}
