import { ValidationError, type Decider } from '#core';
import { GROUP_NAME_PATTERN } from '../../../definition/index.js';
import type { GroupEvent } from '../../group.events.js';
import { MAX_GROUP_MEMBERS, MAX_GROUPS, USER_ID_PATTERN } from '../../group-stream.js';
import { groupsFold, type GroupsState } from '../../group.state.js';

export interface SetGroup {
  group: string;
  members: string[];
}

const USER_ID = new RegExp(USER_ID_PATTERN, 'u');

/**
 * The command's arguments checked, the members sorted and without repeats.
 * @throws ValidationError `group.invalid_name`, `group.invalid_members`
 */
export function parseSetGroup(group: unknown, members: unknown): SetGroup {
  if (typeof group !== 'string' || !GROUP_NAME_PATTERN.test(group)) {
    throw new ValidationError('group.invalid_name', 'group names are 1-128 characters of A-Z, a-z, 0-9, _ . : @ and -, starting with a letter or digit');
  }
  if (!Array.isArray(members) || members.length > MAX_GROUP_MEMBERS || !members.every((member) => typeof member === 'string' && USER_ID.test(member))) {
    throw new ValidationError('group.invalid_members', `members is a list of at most ${MAX_GROUP_MEMBERS} user ids (1-200 characters, no spaces or control characters)`, { group });
  }
  return { group, members: [...new Set(members as string[])].sort() };
}

/** Replaces the group's members; the same members change nothing, and none removes the group. */
export function decideSetGroup(command: SetGroup, state: GroupsState): GroupEvent[] {
  const current = state.groups.get(command.group) ?? [];
  if (current.length === command.members.length && current.every((member, index) => member === command.members[index])) return [];
  if (!state.groups.has(command.group) && state.groups.size >= MAX_GROUPS) {
    throw new ValidationError('group.too_many', `a tenant has at most ${MAX_GROUPS} approver groups; empty one to make room`, { group: command.group });
  }
  return [{ type: 'GroupMembersSet', data: { group: command.group, members: command.members } }];
}

export const setGroupDecider: Decider<SetGroup, GroupsState, GroupEvent> = { ...groupsFold, decide: decideSetGroup };
