import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { z } from 'zod';
import { automationDefinitionSchema } from '../../definition/index.js';

/** The definition's shape as its zod schema has it; what it checks beyond (steps, templates and connectors referred to) is in the 400's issues. */
const DEFINITION_SCHEMA = z.toJSONSchema(automationDefinitionSchema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' });

export class PublishAutomationDto {
  @ApiProperty({ ...(DEFINITION_SCHEMA as object), description: 'name, title, description, inputSchema (JSON Schema of an object), timeoutSeconds, steps: call | approval | wait | condition' })
  @IsObject()
  definition!: Record<string, unknown>;
}

export class AutomationSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'the scope a token needs to call it: automation:<name>' }) scope!: string;
  @ApiProperty() publishedAt!: string;
}

export class AutomationListDto {
  @ApiProperty({ type: [AutomationSummaryDto] }) automations!: AutomationSummaryDto[];
}

export class AutomationVersionDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the user who published it' }) publishedBy!: string | null;
  @ApiProperty({ enum: ['current', 'superseded'], description: 'current: what a start uses now; superseded: kept for the runs that started with it' }) status!: 'current' | 'superseded';
}

export class AutomationDetailsDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the scope a token needs to call it: automation:<name>' }) scope!: string;
  @ApiProperty({ type: [AutomationVersionDto], description: 'every published version, newest first' }) versions!: AutomationVersionDto[];
  @ApiProperty({ type: 'integer', minimum: 1, description: 'the version definition is of: the current one, or the one asked for' }) version!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the definition as published' }) definition!: Record<string, unknown>;
}
