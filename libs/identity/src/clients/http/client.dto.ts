import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsOptional, IsString } from 'class-validator';

/** Types only here: the rules (known scopes, redirect URIs, which kind needs what) give their own typed errors (identity.client.*). */
export class RegisterClientDto {
  @ApiProperty({ example: 'Nightly reconciler', minLength: 1, maxLength: 200, description: 'shown on consent pages and in lists' })
  @IsString()
  name!: string;

  @ApiProperty({ enum: ['service', 'interactive'], description: 'service: a service principal (client credentials, a secret shown once); interactive: people sign in to it (public, PKCE)' })
  @IsIn(['service', 'interactive'])
  kind!: 'service' | 'interactive';

  @ApiPropertyOptional({ type: [String], maxItems: 50, example: ['runs:read', 'connectors:read'], description: 'what it may hold at most (required for a service principal): known scopes you hold yourself, never platform:admin' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  scopes?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 10, example: ['https://desk.example/callback'], description: 'required for an interactive client: https, or http on a loopback address' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  redirectUris?: string[];
}

export class TenantClientDto {
  @ApiProperty() clientId!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the caller's tenant" }) tenantId!: string | null;
  @ApiProperty({ enum: ['service', 'interactive'] }) kind!: 'service' | 'interactive';
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ type: [String] }) redirectUris!: string[];
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty() disabled!: boolean;
}

export class NewClientDto extends TenantClientDto {
  @ApiPropertyOptional({ description: 'a service principal\'s secret (client_secret_basic at /token): shown this once, stored sealed' }) clientSecret?: string;
}

export class TenantClientListDto {
  @ApiProperty({ type: [TenantClientDto] }) clients!: TenantClientDto[];
}

export class DisableClientDto {
  @ApiProperty({ example: 'leaked credentials', minLength: 1, maxLength: 500, description: "an admin's note, kept in the ClientDisabled event" })
  @IsString()
  reason!: string;
}

export class DisabledClientDto {
  @ApiProperty() clientId!: string;
  @ApiProperty({ enum: ['everywhere', 'this_tenant'], description: "everywhere: the tenant's own client, found by nobody; this_tenant: a client anyone may use, refused in this tenant only" })
  blocked!: 'everywhere' | 'this_tenant';
  @ApiProperty({ type: 'integer', description: "the tenant's grants of it, revoked (client_disabled)" }) grantsRevoked!: number;
  @ApiProperty({ format: 'date-time' }) disabledAt!: string;
}
