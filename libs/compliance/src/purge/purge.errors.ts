import { ValidationError } from '#core';

export class InvalidPurgeError extends ValidationError {}
