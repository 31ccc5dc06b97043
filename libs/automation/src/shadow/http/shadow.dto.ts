import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { SuccessCriteriaDto } from '../../automation/http/automation.dto.js';

export class PromoteOverrideDto {
  @ApiProperty({ minLength: 1, maxLength: 500, description: 'why the shadow version goes live although its criteria do not all hold: recorded' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class PromoteAutomationDto {
  @ApiPropertyOptional({ type: PromoteOverrideDto, description: 'promote although the success criteria do not all hold' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PromoteOverrideDto)
  override?: PromoteOverrideDto;
}

export class PromoteAutomationResultDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', description: 'the version live now' }) version!: number;
  @ApiProperty({ type: 'integer', description: 'the version that was live before' }) previousVersion!: number;
  @ApiProperty({ description: 'promoted with an override: its criteria did not all hold' }) overridden!: boolean;
}

class FailureClassCountDto {
  @ApiProperty() failureClass!: string;
  @ApiProperty({ type: 'integer' }) runs!: number;
}

class FailureClassesDto {
  @ApiProperty({ type: [FailureClassCountDto] }) live!: FailureClassCountDto[];
  @ApiProperty({ type: [FailureClassCountDto] }) shadow!: FailureClassCountDto[];
}

class DifferingPathDto {
  @ApiProperty() stepId!: string;
  @ApiProperty({ description: 'method, url, headers.<name>, body.<field>…; only_live / only_shadow for a call one side did not make' }) path!: string;
  @ApiProperty({ type: 'integer' }) runs!: number;
}

class MeanDurationsDto {
  @ApiProperty({ type: 'integer', nullable: true, description: 'the live runs, start to end' }) live!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'as planned for the shadow: the live answers\' latencies, waits and retry delays' }) shadow!: number | null;
}

class UnmetCriterionDto {
  @ApiProperty({ enum: ['minRuns', 'minIdenticalRequestRate', 'allowNewFailureClasses'] }) criterion!: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'boolean' }] }) required!: number | boolean;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'string' } }] }) actual!: number | string[];
}

export class ShadowReportDto {
  @ApiProperty() automation!: string;
  @ApiProperty({ type: 'integer' }) liveVersion!: number;
  @ApiProperty({ type: 'integer' }) shadowVersion!: number;
  @ApiProperty({ type: SuccessCriteriaDto }) successCriteria!: SuccessCriteriaDto;
  @ApiProperty({ type: 'integer', description: 'live runs compared with the shadow' }) runs!: number;
  @ApiProperty({ type: 'integer' }) identicalRequestRuns!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) identicalRequestRate!: number;
  @ApiProperty({ type: 'integer' }) sameSequenceRuns!: number;
  @ApiProperty({ type: 'integer' }) sameOutcomeRuns!: number;
  @ApiProperty({ type: FailureClassesDto }) failureClasses!: FailureClassesDto;
  @ApiProperty({ type: [String], description: 'failure classes of the shadow no compared live run showed' }) newFailureClasses!: string[];
  @ApiProperty({ type: [DifferingPathDto], description: 'the request fields that differed most often (paths, never values)' }) differingPaths!: DifferingPathDto[];
  @ApiProperty({ type: MeanDurationsDto }) meanDurationMs!: MeanDurationsDto;
  @ApiProperty() criteriaMet!: boolean;
  @ApiProperty({ type: [UnmetCriterionDto] }) unmet!: UnmetCriterionDto[];
}
