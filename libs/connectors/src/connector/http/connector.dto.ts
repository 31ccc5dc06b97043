import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class RegisterConnectorDto {
  @ApiPropertyOptional({ maxLength: 500, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({
    description: 'baseUrl, allowedHosts, auth { placement: header | query, name, template with {{secret}} }, timeoutMs, rateLimit { perSecond, burst }, headers',
    example: { baseUrl: 'https://billing.example.com/api', allowedHosts: ['billing.example.com'], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } },
  })
  @IsObject()
  config!: Record<string, unknown>;
}

export class SetConnectorSecretDto {
  @ApiProperty({ description: 'stored sealed; never shown again', minLength: 1, maxLength: 8192 })
  @IsString()
  @Length(1, 8192)
  secret!: string;
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
