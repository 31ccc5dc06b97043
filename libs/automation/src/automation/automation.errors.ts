import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '#core';
import type { CriteriaFigures, UnmetCriterion } from '../shadow/success-criteria.js';

export class AutomationNotFoundError extends NotFoundError {
  constructor(name: string) {
    super('automation.not_found', `no automation ${name} in this tenant`, { automation: name });
  }
}

export class AutomationVersionNotFoundError extends NotFoundError {
  constructor(name: string, version: number) {
    super('automation.version_not_found', `automation ${name} has no version ${version}`, { automation: name, version });
  }
}

export class InvalidAutomationNameError extends ValidationError {
  constructor(name: string) {
    super('automation.invalid_name', 'names are 3-48 characters of a-z, 0-9 and _, starting with a letter', { automation: name });
  }
}

export class NoLiveVersionError extends IllegalStateError {
  constructor(name: string) {
    super('automation.no_live_version', `automation ${name} has no live version for a shadow to run beside: publish it without inShadow first`, { automation: name });
  }
}

export class NoShadowVersionError extends IllegalStateError {
  constructor(name: string) {
    super('automation.no_shadow', `automation ${name} has no shadow version`, { automation: name });
  }
}

export class ShadowVersionChangedError extends ConflictError {
  constructor(name: string, expected: number, current: number | null) {
    super('automation.shadow_changed', `automation ${name}'s shadow version is ${current ?? 'none'} now, not ${expected}: read its report again`, { automation: name, expected, current });
  }
}

export class SuccessCriteriaUnmetError extends IllegalStateError {
  constructor(name: string, version: number, unmet: UnmetCriterion[], figures: CriteriaFigures) {
    const listed = unmet.map((u) => `${u.criterion} requires ${JSON.stringify(u.required)}, the report shows ${JSON.stringify(u.actual)}`).join('; ');
    super('automation.criteria_unmet', `shadow version ${version} of ${name} does not meet its success criteria: ${listed}; promote with override: { reason } to go ahead anyway`, { automation: name, version, unmet, figures });
  }
}
