import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@meal/auth/auth.decorators';
import {
  CreateRoleAssignmentDto,
  ListRoleAssignmentsQueryDto,
  mapPage,
  RoleAssignmentPageDto,
  RoleAssignmentResponseDto,
  RoleAssignmentService,
} from '@meal/organisation';
import { ORGANISATION_WRITERS } from './organisation-access';

@ApiTags('organisation: role assignments 角色分配')
@ApiBearerAuth()
@Controller('role-assignments')
export class RoleAssignmentsController {
  constructor(private readonly assignments: RoleAssignmentService) {}

  @Post()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({
    summary: '分配角色 Assign a role to a staff member',
    description: 'inspector needs regionCode (jurisdiction); settlement_officer may have unitId (none = clearing company); admin neither.',
  })
  @ApiCreatedResponse({ type: RoleAssignmentResponseDto })
  async create(@Body() dto: CreateRoleAssignmentDto): Promise<RoleAssignmentResponseDto> {
    return RoleAssignmentResponseDto.of(await this.assignments.create(dto));
  }

  @Get()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '角色分配列表 List role assignments', description: 'Filters: staffId, role, regionCode; paginated (pageSize ≤ 200).' })
  @ApiOkResponse({ type: RoleAssignmentPageDto })
  async list(@Query() query: ListRoleAssignmentsQueryDto): Promise<RoleAssignmentPageDto> {
    return mapPage(await this.assignments.list(query), RoleAssignmentResponseDto.of);
  }

  @Get(':id')
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '查看角色分配 Get a role assignment' })
  @ApiOkResponse({ type: RoleAssignmentResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<RoleAssignmentResponseDto> {
    return RoleAssignmentResponseDto.of(await this.assignments.get(id));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '撤销角色 Remove a role assignment' })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.assignments.delete(id);
  }
}
