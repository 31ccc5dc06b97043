import { Body, Controller, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata, JsonObject } from '#core';
import { EVENT_STORE, loadStream, type EventStore } from '#event-store';
import { connectorFold } from '../connector.decider.js';
import { ConnectorNotFoundError } from '../connector.errors.js';
import { RegisterConnectorCommand, type RegisterConnectorResult } from '../commands/register-connector/register-connector.command.js';
import { SetConnectorSecretCommand, type SetConnectorSecretResult } from '../commands/set-connector-secret/set-connector-secret.command.js';
import { CONNECTORS_ADMIN_SCOPE, CONNECTORS_READ_SCOPE } from '../connector-scopes.js';
import { assertConnectorName, CONNECTOR_NAME, connectorStreamId } from '../connector-stream.js';
import { ConnectorViews, type ConnectorSummary } from '../projections/connector-views.js';
import { ConnectorDetailsDto, ConnectorListDto, ConnectorSecretResultDto, RegisterConnectorDto, RegisterConnectorResultDto, SetConnectorSecretDto } from './connector.dto.js';

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
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Authenticated(CONNECTORS_READ_SCOPE)
  @ApiOkResponse({ type: ConnectorListDto, description: 'names and health only' })
  async list(@CallerMetadata() metadata: CommandMetadata): Promise<{ connectors: ConnectorSummary[] }> {
    return { connectors: await this.views.list(metadata.tenantId) };
  }

  @Get(':name')
  @Authenticated(CONNECTORS_READ_SCOPE)
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: ConnectorDetailsDto, description: 'the configuration (base URL, allowed hosts, auth placement, limits) and the secret version in use; never the secret' })
  @ApiNotFoundResponse({ description: 'connector.not_found' })
  async get(@Param('name') name: string, @CallerMetadata() metadata: CommandMetadata): Promise<{ name: string; description: string; config: JsonObject; secretVersion: number }> {
    assertConnectorName(name);
    // The connector's own stream, folded: the configuration lives in its events, not in the health view.
    const { state } = await loadStream(this.store, metadata.tenantId, connectorStreamId(name), connectorFold);
    if (state.status !== 'registered') throw new ConnectorNotFoundError(name);
    return { name: state.name, description: state.description, config: state.config, secretVersion: state.currentSecretVersion };
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
