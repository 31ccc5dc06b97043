import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { MAX_SUSPENSION_REASON } from '../commands/suspend-tenant/suspend-tenant.decide.js';

export class SuspendTenantDto {
  @ApiProperty({ example: 'unpaid invoices', minLength: 1, maxLength: MAX_SUSPENSION_REASON, description: "an operator's note, kept in the registry" })
  @IsString()
  @Length(1, MAX_SUSPENSION_REASON)
  reason!: string;
}

export class TenantStatusDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['active', 'suspended'] }) status!: 'active' | 'suspended';
}
