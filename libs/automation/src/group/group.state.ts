import type { GroupEvent } from './group.events.js';

/** A tenant's approver groups: members by group name, each list sorted. */
export interface GroupsState {
  readonly groups: ReadonlyMap<string, readonly string[]>;
}

export const initialGroupsState = (): GroupsState => ({ groups: new Map() });

export const copyGroupsState = (state: GroupsState): GroupsState => ({ groups: new Map(state.groups) });

/** Folds in place, as the policies' state does: a state, once evolved, is not read again (copy it to keep it). */
export function evolveGroups(state: GroupsState, event: GroupEvent): GroupsState {
  const groups = state.groups as Map<string, readonly string[]>;
  switch (event.type) {
    case 'GroupMembersSet':
      if (event.data.members.length === 0) groups.delete(event.data.group);
      else groups.set(event.data.group, event.data.members);
      return state;
    default: {
      const unexpected: never = event.type;
      return unexpected;
    }
  }
}

export const groupsFold = { initialState: initialGroupsState, evolve: evolveGroups, copy: copyGroupsState };

/** The groups of the tenant's lists a user is on. */
export function managedGroupsOf(state: GroupsState, userId: string): string[] {
  return [...state.groups].filter(([, members]) => members.includes(userId)).map(([group]) => group);
}

/** A caller's groups: those its token claims and those of the tenant's lists it is on, once each, sorted. */
export function callerGroupsOf(state: GroupsState, userId: string, claimed: readonly string[] = []): string[] {
  return [...new Set([...claimed, ...managedGroupsOf(state, userId)])].sort();
}
