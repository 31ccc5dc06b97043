import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { z } from 'zod';
import { connectorConfigSchema } from '../../http/connector-definition.js';

/** The shape parseConnectorConfig validates; what it checks beyond (hosts against allowedHosts, templates) is in the 400's issues. */
const CONFIG_SCHEMA = z.toJSONSchema(connectorConfigSchema, { io: 'input', target: 'openapi-3.0' });

export class RegisterConnectorDto {
  @ApiPropertyOptional({ maxLength: 500, default: '', nullable: true, type: String, description: 'null or absent: none' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({
    ...(CONFIG_SCHEMA as object),
    description: 'baseUrl, allowedHosts, auth { placement: header | query, name, template with {{secret}} }, timeoutMs, rateLimit { perSecond, burst }, headers, onBehalfOf { header, audience } (a platform-signed assertion of the user each call acts for)',
    example: { baseUrl: 'https://billing.example.com/api', allowedHosts: ['billing.example.com'], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } },
  })
  @IsObject()
  config!: Record<string, unknown>;
}

export class SetConnectorSecretDto {
  @ApiProperty({ description: 'stored sealed; never shown again; 1-8192 bytes of UTF-8 without line breaks', minLength: 1, maxLength: 8192, pattern: '^[^\\r\\n]+$' })
  @IsString()
  @Length(1, 8192)
  secret!: string;
}

export class ConnectorHealthDto {
  @ApiProperty({ enum: ['unknown', 'healthy', 'failing'] }) status!: string;
  @ApiProperty({ type: 'integer' }) callsOk!: number;
  @ApiProperty({ type: 'integer' }) callsFailed!: number;
  @ApiProperty({ type: 'integer' }) consecutiveFailures!: number;
  @ApiProperty({ nullable: true, type: String }) lastCallAt!: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) lastStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastErrorClass!: string | null;
}

export class ConnectorSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() hasSecret!: boolean;
  @ApiProperty({ type: ConnectorHealthDto }) health!: ConnectorHealthDto;
}

export class ConnectorListDto {
  @ApiProperty({ type: [ConnectorSummaryDto] }) connectors!: ConnectorSummaryDto[];
}

export class ConnectorDetailsDto {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'baseUrl, allowedHosts, auth (placement, name, template: never the secret), timeoutMs, rateLimit, headers, onBehalfOf' }) config!: Record<string, unknown>;
  @ApiProperty({ description: 'the secret version new runs use; 0 when no secret was ever set' }) secretVersion!: number;
}

export class RegisterConnectorResultDto {
  @ApiProperty() name!: string;
  @ApiProperty() created!: boolean;
  @ApiProperty() changed!: boolean;
}

export class ConnectorSecretResultDto {
  @ApiProperty() name!: string;
  @ApiProperty() secretVersion!: number;
}
