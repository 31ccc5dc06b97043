import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse } from '@nestjs/swagger';
import { PlatformAdminOnly } from '../../platform-admin.decorator.js';
import { ListProjectionsQuery, type ProjectionsView } from '../queries/list-projections/list-projections.query.js';
import { ProjectionsDto } from './projection-status.dto.js';

/** The views: how far each is behind the log, and the online replays under way. */
@PlatformAdminOnly()
@Controller('v1/admin/projections')
export class ProjectionsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: ProjectionsDto })
  list(): Promise<ProjectionsView> {
    return this.queryBus.execute(new ListProjectionsQuery());
  }
}
