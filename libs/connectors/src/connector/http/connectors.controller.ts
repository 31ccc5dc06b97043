import { Body, Controller, Get, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth';
import type { CommandMetadata } from '#core';
import { RegisterConnectorCommand, type RegisterConnectorResult } from '../commands/register-connector/register-connector.command.js';
import { SetConnectorSecretCommand, type SetConnectorSecretResult } from '../commands/set-connector-secret/set-connector-secret.command.js';
import { CONNECTORS_ADMIN_SCOPE, CONNECTORS_READ_SCOPE } from '../connector-scopes.js';
import { CONNECTOR_NAME } from '../connector-stream.js';
import { ConnectorViews, type ConnectorSummary } from '../projections/connector-views.js';
import { ConnectorListDto, ConnectorSecretResultDto, RegisterConnectorDto, RegisterConnectorResultDto, SetConnectorSecretDto } from './connector.dto.js';

const NAME_PARAM = { name: 'name', schema: { type: 'string' as const, pattern: CONNECTOR_NAME.source }, description: '1-63 of a-z 0-9 _ -, starting with a letter' };

/** Admin REST for the caller's tenant's connectors: the same commands as the connector_* tools. */
@ApiTags('connectors')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: 'the token lacks the scope' })
@Controller('v1/connectors')
export class ConnectorsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly views: ConnectorViews,
  ) {}

  @Get()
  @Authenticated(CONNECTORS_READ_SCOPE)
  @ApiOkResponse({ type: ConnectorListDto, description: 'names and health only' })
  async list(@CallerMetadata() metadata: CommandMetadata): Promise<{ connectors: ConnectorSummary[] }> {
    return { connectors: await this.views.list(metadata.tenantId) };
  }

  @Put(':name')
  @HttpCode(200)
  @Authenticated(CONNECTORS_ADMIN_SCOPE)
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: RegisterConnectorResultDto })
  @ApiBadRequestResponse({ description: 'connector.invalid_name, connector.invalid_config (every problem by path)' })
  register(@Param('name') name: string, @Body() body: RegisterConnectorDto, @CallerMetadata() metadata: CommandMetadata): Promise<RegisterConnectorResult> {
    return this.commandBus.execute(new RegisterConnectorCommand(metadata, name, body.description ?? '', body.config));
  }

  @Put(':name/secret')
  @HttpCode(200)
  @Authenticated(CONNECTORS_ADMIN_SCOPE)
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: ConnectorSecretResultDto })
  @ApiNotFoundResponse({ description: 'connector.not_found' })
  setSecret(@Param('name') name: string, @Body() body: SetConnectorSecretDto, @CallerMetadata() metadata: CommandMetadata): Promise<SetConnectorSecretResult> {
    return this.commandBus.execute(new SetConnectorSecretCommand(metadata, name, body.secret));
  }
}
