import { ApiProperty } from '@nestjs/swagger';

export class GrantLifetimesDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'the ceiling of each access token, from the scope policy' }) accessTokenSeconds!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: "the ceiling of the grant's own (refresh) lifetime, from the scope policy" }) grantSeconds!: number;
}

export class DelegationDto {
  @ApiProperty() grantId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null for a client known only by its metadata document' }) clientName!: string | null;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'the delegation ends then at the latest' }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'when a token of the grant was last accepted, to within a minute; null if not yet' }) lastUsedAt!: string | null;
  @ApiProperty({ type: GrantLifetimesDto }) lifetimes!: GrantLifetimesDto;
}

export class DelegationPageDto {
  @ApiProperty({ type: [DelegationDto] }) grants!: DelegationDto[];
  @ApiProperty({ nullable: true, type: String, description: 'opaque; null on the last page' }) nextCursor!: string | null;
}

export class RevokedDelegationDto {
  @ApiProperty() grantId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty({ format: 'date-time' }) revokedAt!: string;
}
