import { describe, expect, it } from '@jest/globals';
import { decidePromoteAutomation, type PromoteAutomation } from './commands/promote-automation/promote-automation.decide.js';
import { decidePublishAutomation } from './commands/publish-automation/publish-automation.decide.js';
import type { AutomationEvent } from './automation.events.js';
import { evolveAutomation, initialAutomationState } from './automation.state.js';

const given = (...events: AutomationEvent[]) => events.reduce(evolveAutomation, initialAutomationState());
const CRITERIA = { minRuns: 200, minIdenticalRequestRate: 0.99, allowNewFailureClasses: false };
const definition = (title: string) => ({ name: 'pay', title, steps: [] });
const live = (version: number, title = `v${version}`): AutomationEvent => ({ type: 'AutomationPublished', data: { name: 'pay', version, definition: definition(title) } });
const shadow = (version: number, title = `v${version}`, criteria = CRITERIA): AutomationEvent => ({ type: 'AutomationPublished', data: { name: 'pay', version, definition: definition(title), inShadow: true, successCriteria: criteria } });
const FIGURES = { runs: 250, identicalRequestRate: 1, newFailureClasses: [] };
const promote = (change: Partial<PromoteAutomation> = {}): PromoteAutomation => ({ name: 'pay', version: 2, promotedBy: 'root', figures: FIGURES, unmet: [], override: null, ...change });

describe('automation deciders: live and shadow versions', () => {
  it('given nothing, when a shadow is published, then automation.no_live_version and no event', () => {
    expect(() => decidePublishAutomation({ name: 'pay', definition: definition('v1'), shadow: CRITERIA }, given())).toThrow(expect.objectContaining({ code: 'automation.no_live_version' }));
  });

  it('given a live version, when a shadow is published, then the next version in shadow with its criteria; the live one stays', () => {
    const state = given(live(1));
    expect(decidePublishAutomation({ name: 'pay', definition: definition('v2'), shadow: CRITERIA }, state)).toEqual([shadow(2)]);
    expect(given(live(1), shadow(2))).toMatchObject({ latestVersion: 2, liveVersion: 1, live: definition('v1'), shadow: { version: 2, criteria: CRITERIA } });
  });

  it('given a shadow, when the same shadow is published, then nothing; other criteria or another definition, then a new shadow replacing it', () => {
    const state = given(live(1), shadow(2));
    expect(decidePublishAutomation({ name: 'pay', definition: definition('v2'), shadow: CRITERIA }, state)).toEqual([]);
    expect(decidePublishAutomation({ name: 'pay', definition: definition('v2'), shadow: { ...CRITERIA, minRuns: 5 } }, state)).toEqual([shadow(3, 'v2', { ...CRITERIA, minRuns: 5 })]);
    expect(given(live(1), shadow(2), shadow(3, 'other'))).toMatchObject({ liveVersion: 1, shadow: { version: 3, definition: definition('other') } });
  });

  it('given a shadow, when the live definition is published again, then nothing; a new live one ends the shadow', () => {
    const state = given(live(1), shadow(2));
    expect(decidePublishAutomation({ name: 'pay', definition: definition('v1') }, state)).toEqual([]);
    expect(decidePublishAutomation({ name: 'pay', definition: definition('v3') }, state)).toEqual([live(3)]);
    expect(given(live(1), shadow(2), live(3))).toMatchObject({ latestVersion: 3, liveVersion: 3, shadow: null });
  });

  it('given a shadow whose criteria hold, when promoted, then AutomationPromoted and it is live with no shadow', () => {
    const [event] = decidePromoteAutomation(promote(), given(live(1), shadow(2)));
    expect(event).toEqual({ type: 'AutomationPromoted', data: { name: 'pay', version: 2, previousVersion: 1, promotedBy: 'root', criteria: CRITERIA, figures: FIGURES, override: null } });
    expect(given(live(1), shadow(2), event!)).toMatchObject({ liveVersion: 2, live: definition('v2'), shadow: null, latestVersion: 2 });
  });

  it('given a shadow whose criteria do not hold, when promoted, then automation.criteria_unmet listing them; with an override, promoted with it recorded', () => {
    const unmet = [{ criterion: 'minRuns' as const, required: 200, actual: 3 }];
    const figures = { ...FIGURES, runs: 3 };
    expect(() => decidePromoteAutomation(promote({ unmet, figures }), given(live(1), shadow(2)))).toThrow(expect.objectContaining({ code: 'automation.criteria_unmet', details: expect.objectContaining({ unmet, figures }) }));
    expect(decidePromoteAutomation(promote({ unmet, figures, override: { reason: 'urgent fix' } }), given(live(1), shadow(2)))[0]!.data).toMatchObject({ override: { reason: 'urgent fix', unmet }, figures });
  });

  it('given no shadow, or another shadow than the report was read for, when promoted, then refused', () => {
    expect(() => decidePromoteAutomation(promote(), given())).toThrow(expect.objectContaining({ code: 'automation.not_found' }));
    expect(() => decidePromoteAutomation(promote(), given(live(1)))).toThrow(expect.objectContaining({ code: 'automation.no_shadow' }));
    expect(() => decidePromoteAutomation(promote(), given(live(1), shadow(2), shadow(3)))).toThrow(expect.objectContaining({ code: 'automation.shadow_changed', details: expect.objectContaining({ expected: 2, current: 3 }) }));
  });
});
