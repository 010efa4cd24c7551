import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@meal/auth/auth.decorators';
import {
  CreateRegionDto,
  ListRegionsQueryDto,
  mapPage,
  RegionPageDto,
  RegionResponseDto,
  RegionService,
  RegionSubtreeCountDto,
  UpdateRegionDto,
} from '@meal/organisation';
import { ORGANISATION_READERS, ORGANISATION_WRITERS } from './organisation-access';

@ApiTags('organisation: regions 行政区划')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionService) {}

  @Post()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '新增行政区划 Create a region', description: 'The level must be one below the parent (city → county → township → village).' })
  @ApiCreatedResponse({ type: RegionResponseDto })
  async create(@Body() dto: CreateRegionDto): Promise<RegionResponseDto> {
    return RegionResponseDto.of(await this.regions.create(dto));
  }

  @Get()
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '行政区划列表 List regions', description: 'Filters: parentCode, level, active, name; paginated (pageSize ≤ 200).' })
  @ApiOkResponse({ type: RegionPageDto })
  async list(@Query() query: ListRegionsQueryDto): Promise<RegionPageDto> {
    return mapPage(await this.regions.list(query), RegionResponseDto.of);
  }

  @Get(':code')
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '查看行政区划 Get a region' })
  @ApiOkResponse({ type: RegionResponseDto })
  async get(@Param('code') code: string): Promise<RegionResponseDto> {
    return RegionResponseDto.of(await this.regions.get(code));
  }

  @Get(':code/children')
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '下级行政区划 Direct children of a region' })
  @ApiOkResponse({ type: [RegionResponseDto] })
  async children(@Param('code') code: string): Promise<RegionResponseDto[]> {
    return (await this.regions.children(code)).map(RegionResponseDto.of);
  }

  @Get(':code/subtree-count')
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '辖区统计 Counts of regions, units and canteens under a region' })
  @ApiOkResponse({ type: RegionSubtreeCountDto })
  subtreeCount(@Param('code') code: string): Promise<RegionSubtreeCountDto> {
    return this.regions.subtreeCounts(code);
  }

  @Patch(':code')
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '修改行政区划 Update a region (name, active)' })
  @ApiOkResponse({ type: RegionResponseDto })
  async update(@Param('code') code: string, @Body() dto: UpdateRegionDto): Promise<RegionResponseDto> {
    return RegionResponseDto.of(await this.regions.update(code, dto));
  }

  @Post(':code/deactivate')
  @HttpCode(HttpStatus.OK)
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '停用行政区划 Deactivate a region (no hard delete)' })
  @ApiOkResponse({ type: RegionResponseDto })
  async deactivate(@Param('code') code: string): Promise<RegionResponseDto> {
    return RegionResponseDto.of(await this.regions.deactivate(code));
  }
}
