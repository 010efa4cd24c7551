import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@meal/auth/auth.decorators';
import {
  CanteenPageDto,
  CanteenResponseDto,
  CanteenService,
  CanteenWithSlots,
  CreateCanteenDto,
  ListCanteensQueryDto,
  mapPage,
  UpdateCanteenDto,
} from '@meal/organisation';
import { ORGANISATION_READERS, ORGANISATION_WRITERS } from './organisation-access';

const toResponse = ({ canteen, slots }: CanteenWithSlots): CanteenResponseDto => CanteenResponseDto.of(canteen, slots);

@ApiTags('organisation: canteens 食堂')
@ApiBearerAuth()
@Controller('canteens')
export class CanteensController {
  constructor(private readonly canteens: CanteenService) {}

  @Post()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({
    summary: '新增食堂 Create a canteen with its meal slots',
    description: 'Atomic. Price caps: breakfast ≤ 2000 fen, lunch and dinner ≤ 4000 fen each (浙江省标准).',
  })
  @ApiCreatedResponse({ type: CanteenResponseDto })
  async create(@Body() dto: CreateCanteenDto): Promise<CanteenResponseDto> {
    return toResponse(await this.canteens.create(dto));
  }

  @Get()
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '食堂列表 List canteens', description: 'Filters: regionCode, level, ownerUnitId, active, q; paginated (pageSize ≤ 200).' })
  @ApiOkResponse({ type: CanteenPageDto })
  async list(@Query() query: ListCanteensQueryDto): Promise<CanteenPageDto> {
    return mapPage(await this.canteens.list(query), toResponse);
  }

  @Get(':id')
  @Roles(...ORGANISATION_READERS)
  @ApiOperation({ summary: '查看食堂 Get a canteen with its meal slots' })
  @ApiOkResponse({ type: CanteenResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<CanteenResponseDto> {
    return toResponse(await this.canteens.getWithSlots(id));
  }

  @Patch(':id')
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '修改食堂 Update a canteen', description: 'Atomic; `slots`, when given, replaces all meal slots.' })
  @ApiOkResponse({ type: CanteenResponseDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCanteenDto): Promise<CanteenResponseDto> {
    return toResponse(await this.canteens.update(id, dto));
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '停用食堂 Deactivate a canteen (no hard delete)' })
  @ApiOkResponse({ type: CanteenResponseDto })
  async deactivate(@Param('id', ParseUUIDPipe) id: string): Promise<CanteenResponseDto> {
    return toResponse(await this.canteens.deactivate(id));
  }
}
