import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { z } from 'zod';
import { Authenticated, CallerMetadata } from '#auth';
import type { CommandMetadata } from '#core';
import { automationDefinitionSchema } from '../../definition/index.js';
import { AutomationCatalog } from '../automation-catalog.js';
import { AUTOMATIONS_ADMIN_SCOPE, automationScope } from '../automation-stream.js';
import { PublishAutomationCommand, type PublishAutomationResult } from '../commands/publish-automation/publish-automation.command.js';

/** The definition's shape as its zod schema has it; what it checks beyond (steps, templates and connectors referred to) is in the 400's issues. */
const DEFINITION_SCHEMA = z.toJSONSchema(automationDefinitionSchema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' });

export class PublishAutomationDto {
  @ApiProperty({ ...(DEFINITION_SCHEMA as object), description: 'name, title, description, inputSchema (JSON Schema of an object), timeoutSeconds, steps: call | approval | wait | condition' })
  @IsObject()
  definition!: Record<string, unknown>;
}

export class AutomationSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'the scope a token needs to call it: automation:<name>' }) scope!: string;
  @ApiProperty() publishedAt!: string;
}

export class AutomationListDto {
  @ApiProperty({ type: [AutomationSummaryDto] }) automations!: AutomationSummaryDto[];
}

/** Admin REST for the caller's tenant's automations: the same commands as automation_publish and automation_list. */
@ApiTags('automations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${AUTOMATIONS_ADMIN_SCOPE}` })
@Controller('v1/automations')
@Authenticated(AUTOMATIONS_ADMIN_SCOPE)
export class AutomationsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly catalog: AutomationCatalog,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ description: 'the published version (changed: false when the latest version already had this definition)' })
  @ApiBadRequestResponse({ description: 'automation.invalid, with every issue by path in details.issues' })
  publish(@Body() body: PublishAutomationDto, @CallerMetadata() metadata: CommandMetadata): Promise<PublishAutomationResult> {
    return this.commandBus.execute(new PublishAutomationCommand(metadata, body.definition));
  }

  @Get()
  @ApiOkResponse({ type: AutomationListDto, description: 'the latest version of each' })
  async list(@CallerMetadata() metadata: CommandMetadata): Promise<{ automations: Array<{ name: string; version: number; title: string; scope: string; publishedAt: string }> }> {
    const automations = await this.catalog.latest(metadata.tenantId);
    return { automations: automations.map(({ name, version, definition, publishedAt }) => ({ name, version, title: definition.title, scope: automationScope(name), publishedAt })) };
  }
}
