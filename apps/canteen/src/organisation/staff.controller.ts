import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@meal/auth/auth.decorators';
import { CreateStaffDto, ListStaffQueryDto, mapPage, StaffPageDto, StaffResponseDto, StaffService, UpdateStaffDto } from '@meal/organisation';
import { ORGANISATION_WRITERS, STAFF_READERS } from './organisation-access';

@ApiTags('organisation: staff 人员')
@ApiBearerAuth()
@Controller('staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '新增人员 Create a staff member' })
  @ApiCreatedResponse({ type: StaffResponseDto })
  async create(@Body() dto: CreateStaffDto): Promise<StaffResponseDto> {
    return StaffResponseDto.of(await this.staff.create(dto));
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: '人员列表 List staff', description: 'Filters: unitId, externalIdentityId, active, q; paginated (pageSize ≤ 200).' })
  @ApiOkResponse({ type: StaffPageDto })
  async list(@Query() query: ListStaffQueryDto): Promise<StaffPageDto> {
    return mapPage(await this.staff.list(query), StaffResponseDto.of);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: '查看人员 Get a staff member' })
  @ApiOkResponse({ type: StaffResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<StaffResponseDto> {
    return StaffResponseDto.of(await this.staff.get(id));
  }

  @Patch(':id')
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '修改人员 Update a staff member' })
  @ApiOkResponse({ type: StaffResponseDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateStaffDto): Promise<StaffResponseDto> {
    return StaffResponseDto.of(await this.staff.update(id, dto));
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '停用人员 Deactivate a staff member (no hard delete)' })
  @ApiOkResponse({ type: StaffResponseDto })
  async deactivate(@Param('id', ParseUUIDPipe) id: string): Promise<StaffResponseDto> {
    return StaffResponseDto.of(await this.staff.deactivate(id));
  }
}
