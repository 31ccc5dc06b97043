import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { ApiKafkaUnavailable } from '../../kafka/http/api-kafka-unavailable.js';
import type { RunRef } from '../../operations.errors.js';
import { PlatformAdminOnly } from '../../platform-admin.decorator.js';
import { RedriveDeadLettersCommand } from '../commands/redrive-dead-letters/redrive-dead-letters.command.js';
import { ListDeadLettersQuery, type DeadLettersView } from '../queries/list-dead-letters/list-dead-letters.query.js';
import { DeadLettersDto, RedriveDeadLettersDto, RedrivenDto } from './dead-letter.dto.js';

/** Runs the scale-out workers dead-lettered, listed and put back to work: `ledgerline dlq` over REST. */
@PlatformAdminOnly()
@Controller('v1/admin/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly commandBus: CommandBus,
  ) {}

  @Get()
  @ApiOkResponse({ type: DeadLettersDto })
  @ApiKafkaUnavailable()
  list(): Promise<DeadLettersView> {
    return this.queryBus.execute(new ListDeadLettersQuery());
  }

  @Post('redrive')
  @HttpCode(200)
  @ApiOkResponse({ type: RedrivenDto })
  @ApiBadRequestResponse({ description: 'a body that is not {"runs": [...]} or {"all": true} (request.invalid, operations.dead_letters.redrive_what): nothing is redriven' })
  @ApiNotFoundResponse({ description: 'a run named is not waiting in the dead letters (operations.dead_letters.not_found, the runs in details): nothing is redriven' })
  @ApiConflictResponse({ description: 'KAFKA_BROKERS is not set: there are no dead letters (operations.kafka.not_configured)' })
  @ApiKafkaUnavailable()
  redrive(@Body() body: RedriveDeadLettersDto, @CallerMetadata() metadata: CommandMetadata): Promise<{ redriven: RunRef[] }> {
    return this.commandBus.execute(new RedriveDeadLettersCommand(metadata, body));
  }
}
