import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional } from 'class-validator';
import { z } from 'zod';
import { automationDefinitionSchema } from '../../definition/index.js';

/** The definition's shape as its zod schema has it; what it checks beyond (steps, templates and connectors referred to) is in the 400's issues. */
const DEFINITION_SCHEMA = z.toJSONSchema(automationDefinitionSchema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' });

export class PublishAutomationDto {
  @ApiProperty({ ...(DEFINITION_SCHEMA as object), description: 'name, title, description, inputSchema (JSON Schema of an object), timeoutSeconds, steps: call | approval | wait | condition' })
  @IsObject()
  definition!: Record<string, unknown>;

  @ApiProperty({ required: false, type: Boolean, description: 'true: publish as the shadow version beside the live one (docs/automations.md, "Shadow versions")' })
  @IsOptional()
  @IsBoolean()
  inShadow?: boolean;

  @ApiProperty({ required: false, type: () => SuccessCriteriaDto, description: 'with inShadow: what promotion requires; each one left out at its default' })
  @IsOptional()
  @IsObject()
  successCriteria?: Record<string, unknown>;
}

export class SuccessCriteriaDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1_000_000, default: 200, description: 'runs compared, at least' }) minRuns!: number;
  @ApiProperty({ minimum: 0, maximum: 1, default: 0.99, description: 'share of compared runs whose every rendered request was identical, at least' }) minIdenticalRequestRate!: number;
  @ApiProperty({ default: false, description: 'false: a failure class the shadow shows and the live runs never did blocks promotion' }) allowNewFailureClasses!: boolean;
}

export class ShadowSummaryDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty() publishedAt!: string;
  @ApiProperty({ type: SuccessCriteriaDto }) successCriteria!: SuccessCriteriaDto;
}

export class AutomationSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'the scope a token needs to call it: automation:<name>' }) scope!: string;
  @ApiProperty() publishedAt!: string;
  @ApiProperty({ type: ShadowSummaryDto, nullable: true, description: 'the shadow version running beside the live one, if any' }) shadow!: ShadowSummaryDto | null;
}

export class AutomationListDto {
  @ApiProperty({ type: [AutomationSummaryDto] }) automations!: AutomationSummaryDto[];
}

export class AutomationVersionDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the user who published it' }) publishedBy!: string | null;
  @ApiProperty({ enum: ['current', 'shadow', 'superseded'], description: 'current: what a start uses now (the live version); shadow: compared with the live runs until promoted or replaced; superseded: kept for the runs that started with it' }) status!: 'current' | 'shadow' | 'superseded';
}

export class AutomationDetailsDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the scope a token needs to call it: automation:<name>' }) scope!: string;
  @ApiProperty({ type: [AutomationVersionDto], description: 'every published version, newest first' }) versions!: AutomationVersionDto[];
  @ApiProperty({ type: 'integer', minimum: 1, description: 'the version definition is of: the current one, or the one asked for' }) version!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the definition as published' }) definition!: Record<string, unknown>;
}
