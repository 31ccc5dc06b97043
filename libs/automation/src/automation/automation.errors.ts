import { NotFoundError, ValidationError } from '#core';

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
