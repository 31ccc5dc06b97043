import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import type { GroupEvent } from '../../group.events.js';
import { evolveGroups, initialGroupsState, managedGroupsOf, type GroupsState } from '../../group.state.js';
import { decideSetGroup, parseSetGroup } from './set-group.decide.js';

const given = (...events: GroupEvent[]): GroupsState => events.reduce(evolveGroups, initialGroupsState());
const set = (group: string, members: string[]): GroupEvent => ({ type: 'GroupMembersSet', data: { group, members } });

describe('setting an approver group', () => {
  it('records the members sorted and without repeats, and nothing when they are the same', () => {
    const command = parseSetGroup('cfo', ['erin', 'carol', 'erin']);
    expect(decideSetGroup(command, given())).toEqual([set('cfo', ['carol', 'erin'])]);
    expect(decideSetGroup(command, given(set('cfo', ['carol', 'erin'])))).toEqual([]);
  });

  it('removes a group given no members, and folds who is in which', () => {
    const state = given(set('cfo', ['carol']), set('finance', ['bob', 'carol']), set('cfo', []));
    expect([...state.groups.keys()]).toEqual(['finance']);
    expect(managedGroupsOf(state, 'carol')).toEqual(['finance']);
    expect(managedGroupsOf(state, 'mallory')).toEqual([]);
  });

  it('refuses bad names and members with typed errors', () => {
    expect(() => parseSetGroup('bad name', [])).toThrow(expect.objectContaining({ code: 'group.invalid_name' }) as unknown as ValidationError);
    for (const members of [['car ol'], ['a\u0000'], 'carol', [42], Array.from({ length: 501 }, (_, i) => `u${i}`)]) {
      expect(() => parseSetGroup('cfo', members)).toThrow(ValidationError);
    }
  });
});
