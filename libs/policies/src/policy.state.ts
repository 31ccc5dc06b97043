import type { PolicyEvent, PolicyMode } from './policy.events.js';

export interface PolicyRecord {
  name: string;
  version: number;
  text: string;
  mode: PolicyMode;
}

/**
 * A tenant's live policies by name, in the order first published, and the last version each name
 * had (a policy published again after its removal goes on from it: versions are never reused).
 */
export interface PoliciesState {
  readonly policies: ReadonlyMap<string, PolicyRecord>;
  readonly lastVersions: ReadonlyMap<string, number>;
}

export const initialPoliciesState = (): PoliciesState => ({ policies: new Map(), lastVersions: new Map() });

export const copyPoliciesState = (state: PoliciesState): PoliciesState => ({ policies: new Map(state.policies), lastVersions: new Map(state.lastVersions) });

/** Folds in place, as memory's state does: a state, once evolved, is not read again (copy it to keep it). */
export function evolvePolicies(state: PoliciesState, event: PolicyEvent): PoliciesState {
  const policies = state.policies as Map<string, PolicyRecord>;
  const lastVersions = state.lastVersions as Map<string, number>;
  switch (event.type) {
    case 'PolicyPublished': {
      const { name, version, text, mode } = event.data;
      policies.set(name, { name, version, text, mode });
      lastVersions.set(name, version);
      return { policies, lastVersions };
    }
    case 'PolicyModeChanged': {
      const current = policies.get(event.data.name);
      if (current) policies.set(event.data.name, { ...current, mode: event.data.mode });
      return { policies, lastVersions };
    }
    case 'PolicyRemoved':
      policies.delete(event.data.name);
      return { policies, lastVersions };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}
