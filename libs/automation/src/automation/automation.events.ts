import type { DomainEvent, JsonObject } from '#core';
import type { CriteriaFigures, SuccessCriteria, UnmetCriterion } from '../shadow/success-criteria.js';

/**
 * A new immutable version of an automation: the whole definition, as validated on publishing.
 * With `inShadow` it runs beside the live version (docs/automations.md, "Shadow versions") and
 * carries the criteria its promotion is judged by; without it, it is live at once.
 */
export type AutomationPublished = DomainEvent<'AutomationPublished', { name: string; version: number; definition: JsonObject; inShadow?: true; successCriteria?: SuccessCriteria }>;

/**
 * The shadow version made live: who did it, the report's figures then, and, when the criteria did
 * not all hold, the override with its reason and the criteria it went past.
 */
export type AutomationPromoted = DomainEvent<'AutomationPromoted', {
  name: string;
  version: number;
  previousVersion: number;
  promotedBy: string;
  criteria: SuccessCriteria;
  figures: CriteriaFigures;
  override: { reason: string; unmet: UnmetCriterion[] } | null;
}>;

export type AutomationEvent = AutomationPublished | AutomationPromoted;
