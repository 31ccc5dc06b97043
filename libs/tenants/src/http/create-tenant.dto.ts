import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { TENANT_ID } from '../tenant-id.js';

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', pattern: TENANT_ID.source, description: '1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit' })
  @Matches(TENANT_ID)
  id!: string;

  @ApiProperty({ example: 'Acme Corporation', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;
}

/** What a create answers: the registry's entry is listed by GET /v1/tenants. */
export class CreatedTenantDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class TenantDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'ISO-8601 UTC' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty({ enum: ['active', 'suspended'] }) status!: 'active' | 'suspended';
  @ApiProperty({ nullable: true, type: String, description: 'ISO-8601 UTC; null while active' }) suspendedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the operator's note; null while active" }) reason!: string | null;
}
