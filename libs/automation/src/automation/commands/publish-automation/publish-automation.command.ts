import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { SuccessCriteria } from '../../../shadow/success-criteria.js';

export interface PublishAutomationResult {
  name: string;
  version: number;
  changed: boolean;
  tool: string;
  scope: string;
  /** The version starts use: `version` itself, unless it was published in shadow. */
  liveVersion: number;
  inShadow: boolean;
  /** The criteria its promotion is judged by (in shadow only). */
  successCriteria: SuccessCriteria | null;
}

/** `definition` and `successCriteria` are unchecked input: the handler validates them before anything is decided. */
export class PublishAutomationCommand extends Command<PublishAutomationResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly definition: unknown,
    readonly shadow: { inShadow?: boolean; successCriteria?: unknown } = {},
  ) {
    super();
  }
}
