import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse } from '@nestjs/swagger';
import { PlatformAdminOnly } from '../../platform-admin.decorator.js';
import { KafkaLagQuery, type KafkaLagView } from '../queries/kafka-lag/kafka-lag.query.js';
import { ApiKafkaUnavailable } from './api-kafka-unavailable.js';
import { KafkaLagDto } from './kafka-lag.dto.js';

/** How far the workers' consumer groups are behind their topics. */
@PlatformAdminOnly()
@Controller('v1/admin/kafka')
export class KafkaLagController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('lag')
  @ApiOkResponse({ type: KafkaLagDto })
  @ApiKafkaUnavailable()
  lag(): Promise<KafkaLagView> {
    return this.queryBus.execute(new KafkaLagQuery());
  }
}
