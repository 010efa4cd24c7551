import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@meal/auth/auth.decorators';
import { CreateUnitDto, ListUnitsQueryDto, mapPage, UnitPageDto, UnitResponseDto, UnitService, UpdateUnitDto } from '@meal/organisation';
import { ORGANISATION_READERS, ORGANISATION_WRITERS } from './organisation-access';

@ApiTags('organisation: units 单位')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitService) {}

  @Post()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '新增单位 Create a unit' })
  @ApiCreatedResponse({ type: UnitResponseDto })
  async create(@Body() dto: CreateUnitDto): Promise<UnitResponseDto> {
    return UnitResponseDto.of(await this.units.create(dto));
  }

  @Get()
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '单位列表 List units', description: 'Filters: regionCode, parentUnitId, active, q; paginated (pageSize ≤ 200).' })
  @ApiOkResponse({ type: UnitPageDto })
  async list(@Query() query: ListUnitsQueryDto): Promise<UnitPageDto> {
    return mapPage(await this.units.list(query), UnitResponseDto.of);
  }

  @Get(':id')
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '查看单位 Get a unit' })
  @ApiOkResponse({ type: UnitResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<UnitResponseDto> {
    return UnitResponseDto.of(await this.units.get(id));
  }

  @Patch(':id')
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '修改单位 Update a unit' })
  @ApiOkResponse({ type: UnitResponseDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUnitDto): Promise<UnitResponseDto> {
    return UnitResponseDto.of(await this.units.update(id, dto));
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '停用单位 Deactivate a unit (no hard delete)' })
  @ApiOkResponse({ type: UnitResponseDto })
  async deactivate(@Param('id', ParseUUIDPipe) id: string): Promise<UnitResponseDto> {
    return UnitResponseDto.of(await this.units.deactivate(id));
  }
}
