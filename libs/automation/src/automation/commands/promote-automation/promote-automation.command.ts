import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface PromoteAutomationResult {
  name: string;
  /** The version live now: the shadow version that was promoted. */
  version: number;
  previousVersion: number;
  /** Promoted although its criteria did not all hold. */
  overridden: boolean;
}

/** `override` is unchecked input: the handler validates it before anything is decided. */
export class PromoteAutomationCommand extends Command<PromoteAutomationResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly name: string,
    readonly override: { reason?: unknown } | undefined,
  ) {
    super();
  }
}
