import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse } from '@nestjs/swagger';
import { PlatformAdminOnly } from '../../platform-admin.decorator.js';
import { ListInstancesQuery, type InstanceView } from '../queries/list-instances/list-instances.query.js';
import { InstanceListDto } from './instance.dto.js';

/** The installation's processes, from the instance registry their heartbeats keep. */
@PlatformAdminOnly()
@Controller('v1/admin/instances')
export class InstancesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: InstanceListDto })
  list(): Promise<{ instances: InstanceView[] }> {
    return this.queryBus.execute(new ListInstancesQuery());
  }
}
