import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiParam, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, MaxLength } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { GROUP_NAME_PATTERN } from '../../definition/index.js';
import { ApproverGroups } from '../approver-groups.js';
import { SetGroupCommand, type SetGroupResult } from '../commands/set-group/set-group.command.js';
import { GROUPS_ADMIN_SCOPE, GROUPS_READ_SCOPE, MAX_GROUP_MEMBERS, USER_ID_PATTERN } from '../group-stream.js';

export class SetGroupDto {
  @ApiProperty({ type: 'array', items: { type: 'string', pattern: USER_ID_PATTERN }, maxItems: MAX_GROUP_MEMBERS, description: 'user ids; replaces the list; [] removes the group' })
  @IsArray()
  @ArrayMaxSize(MAX_GROUP_MEMBERS)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  members!: string[];
}

export class GroupDto {
  @ApiProperty() group!: string;
  @ApiProperty({ type: [String] }) members!: string[];
}

export class GroupListDto {
  @ApiProperty({ type: [GroupDto] }) groups!: GroupDto[];
}

export class GroupChangeDto extends GroupDto {
  @ApiProperty({ description: 'false when the group already had exactly these members (nothing recorded)' }) changed!: boolean;
}

/** The caller's tenant's approver groups (/v1/groups): the same command and read as group_set and group_list. */
@ApiTags('groups')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope (${GROUPS_READ_SCOPE} to read, ${GROUPS_ADMIN_SCOPE} to change)` })
@Controller('v1/groups')
export class GroupsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly groups: ApproverGroups,
  ) {}

  @Get()
  @Authenticated(GROUPS_READ_SCOPE)
  @ApiOkResponse({ type: GroupListDto })
  async list(@CallerMetadata() metadata: CommandMetadata): Promise<GroupListDto> {
    return { groups: await this.groups.list(metadata.tenantId) };
  }

  @Put(':group')
  @Authenticated(GROUPS_ADMIN_SCOPE)
  @ApiParam({ name: 'group', schema: { type: 'string', pattern: GROUP_NAME_PATTERN.source } })
  @ApiOkResponse({ type: GroupChangeDto })
  @ApiBadRequestResponse({ description: 'group.invalid_name, group.invalid_members, group.too_many: nothing is recorded' })
  set(@Param('group') group: string, @Body() body: SetGroupDto, @CallerMetadata() metadata: CommandMetadata): Promise<SetGroupResult> {
    return this.commandBus.execute(new SetGroupCommand({ ...metadata, tool: 'PUT /v1/groups/{group}' }, group, body.members));
  }
}
