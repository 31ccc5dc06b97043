import { describe, expect, it } from '@jest/globals';
import { decidePublishPolicy } from './commands/publish-policy/publish-policy.decide.js';
import { decideRemovePolicy } from './commands/remove-policy/remove-policy.decide.js';
import { decideSetPolicyMode } from './commands/set-policy-mode/set-policy-mode.decide.js';
import type { PolicyEvent } from './policy.events.js';
import { MAX_POLICIES_PER_TENANT } from './policy.limits.js';
import { evolvePolicies, initialPoliciesState } from './policy.state.js';

const given = (...events: PolicyEvent[]) => events.reduce(evolvePolicies, initialPoliciesState());
const FORBID_BIG = 'forbid(principal, action, resource == Tool::"pay_invoice") when { context.arguments.amount > 500 };';
const published = (name: string, version = 1, mode: 'enforce' | 'log-only' = 'log-only', text = FORBID_BIG): PolicyEvent => ({ type: 'PolicyPublished', data: { name, version, text, mode } });

describe('policy deciders', () => {
  it('given nothing, when a valid policy is published, then PolicyPublished version 1', () => {
    expect(decidePublishPolicy({ name: 'big', text: FORBID_BIG, mode: 'log-only' }, given())).toEqual([published('big')]);
  });

  it('given nothing, when a policy that breaks the schema is published, then policy.invalid and no event', () => {
    expect(() => decidePublishPolicy({ name: 'big', text: 'forbid(principal, action, resource) when { resource.owner == "x" };', mode: 'enforce' }, given()))
      .toThrow(expect.objectContaining({ code: 'policy.invalid', details: expect.objectContaining({ issues: [expect.objectContaining({ position: expect.objectContaining({ line: 1 }) })] }) }));
  });

  it('given a policy, when the same text is published again, then nothing, or only the mode change; a new text is the next version', () => {
    const state = given(published('big'));
    expect(decidePublishPolicy({ name: 'big', text: FORBID_BIG, mode: 'log-only' }, state)).toEqual([]);
    expect(decidePublishPolicy({ name: 'big', text: FORBID_BIG, mode: 'enforce' }, state)).toEqual([{ type: 'PolicyModeChanged', data: { name: 'big', version: 1, mode: 'enforce' } }]);
    const stricter = FORBID_BIG.replace('500', '100');
    expect(decidePublishPolicy({ name: 'big', text: stricter, mode: 'log-only' }, state)).toEqual([published('big', 2, 'log-only', stricter)]);
  });

  it('given a removed policy, when it is published again, then its versions go on', () => {
    expect(decidePublishPolicy({ name: 'big', text: FORBID_BIG, mode: 'enforce' }, given(published('big'), published('big', 2), { type: 'PolicyRemoved', data: { name: 'big' } })))
      .toEqual([published('big', 3, 'enforce')]);
  });

  it('given a log-only policy, when its mode is set to enforce, then PolicyModeChanged; again, then nothing', () => {
    const state = given(published('big'));
    expect(decideSetPolicyMode({ name: 'big', mode: 'enforce' }, state)).toEqual([{ type: 'PolicyModeChanged', data: { name: 'big', version: 1, mode: 'enforce' } }]);
    expect(decideSetPolicyMode({ name: 'big', mode: 'log-only' }, state)).toEqual([]);
  });

  it('given no such policy, when its mode is set or it is removed, then policy.not_found', () => {
    const state = given(published('big'), { type: 'PolicyRemoved', data: { name: 'big' } });
    expect(() => decideSetPolicyMode({ name: 'big', mode: 'enforce' }, state)).toThrow(expect.objectContaining({ code: 'policy.not_found' }));
    expect(() => decideRemovePolicy({ name: 'big' }, state)).toThrow(expect.objectContaining({ code: 'policy.not_found' }));
    expect(decideRemovePolicy({ name: 'big' }, given(published('big')))).toEqual([{ type: 'PolicyRemoved', data: { name: 'big' } }]);
  });

  it('refuses a policy over the tenant\'s limit, but not a new version of one it has', () => {
    const full = given(...Array.from({ length: MAX_POLICIES_PER_TENANT }, (_, i) => published(`p${i}`)));
    expect(() => decidePublishPolicy({ name: 'one_more', text: FORBID_BIG, mode: 'log-only' }, full)).toThrow(expect.objectContaining({ code: 'policy.too_many' }));
    expect(decidePublishPolicy({ name: 'p1', text: FORBID_BIG, mode: 'enforce' }, full)).toHaveLength(1);
  });
});
