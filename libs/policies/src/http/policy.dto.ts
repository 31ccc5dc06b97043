import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { MAX_POLICY_TEXT_BYTES, POLICY_NAME } from '../policy.limits.js';

// Fields are checked by the commands, which give the same typed errors as the tools (policy.invalid_name, …).
export class PublishPolicyDto {
  @ApiProperty({ type: String, pattern: POLICY_NAME.source, example: 'big_payments' }) @Allow() name!: unknown;
  @ApiProperty({ type: String, maxLength: MAX_POLICY_TEXT_BYTES, description: 'Cedar policies (docs/policies.md)', example: 'forbid(principal, action, resource == Tool::"pay_invoice") when { context.arguments.amount > 500 };' }) @Allow() text!: unknown;
  @ApiPropertyOptional({ type: String, enum: ['log-only', 'enforce'], default: 'log-only' }) @Allow() mode?: unknown;
}

export class SetPolicyModeDto {
  @ApiProperty({ type: String, enum: ['log-only', 'enforce'] }) @Allow() mode!: unknown;
}

export class PolicyChangeDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['log-only', 'enforce'] }) mode!: string;
  @ApiProperty({ description: 'false when the policy already was exactly this: nothing was appended' }) changed!: boolean;
}

export class PolicySummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['log-only', 'enforce'] }) mode!: string;
  @ApiProperty() text!: string;
}

export class PolicyListDto {
  @ApiProperty({ type: [PolicySummaryDto] }) policies!: PolicySummaryDto[];
}

export class PolicyRemovedDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: [true] }) removed!: true;
}

export class PolicyReportDto {
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) since!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'per mode: total, allow, deny, approvalRequired, error' }) evaluations!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'per policy and mode: deny, approvalRequired, error, latest [{tool, userId, decision, at}]' }) policies!: object[];
}
