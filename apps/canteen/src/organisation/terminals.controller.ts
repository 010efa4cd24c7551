import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@meal/auth/auth.decorators';
import {
  CreateTerminalDto,
  ListTerminalsQueryDto,
  mapPage,
  TerminalPageDto,
  TerminalResponseDto,
  TerminalService,
  UpdateTerminalDto,
} from '@meal/organisation';
import { ORGANISATION_WRITERS } from './organisation-access';

@ApiTags('organisation: terminals 食堂终端')
@ApiBearerAuth()
@Controller('terminals')
export class TerminalsController {
  constructor(private readonly terminals: TerminalService) {}

  @Post()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '登记终端 Register a canteen terminal' })
  @ApiCreatedResponse({ type: TerminalResponseDto })
  async create(@Body() dto: CreateTerminalDto): Promise<TerminalResponseDto> {
    return TerminalResponseDto.of(await this.terminals.create(dto));
  }

  @Get()
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '终端列表 List terminals', description: 'Filters: canteenId, active; paginated (pageSize ≤ 200).' })
  @ApiOkResponse({ type: TerminalPageDto })
  async list(@Query() query: ListTerminalsQueryDto): Promise<TerminalPageDto> {
    return mapPage(await this.terminals.list(query), TerminalResponseDto.of);
  }

  @Get(':id')
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '查看终端 Get a terminal' })
  @ApiOkResponse({ type: TerminalResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<TerminalResponseDto> {
    return TerminalResponseDto.of(await this.terminals.get(id));
  }

  @Patch(':id')
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '修改终端 Update a terminal' })
  @ApiOkResponse({ type: TerminalResponseDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTerminalDto): Promise<TerminalResponseDto> {
    return TerminalResponseDto.of(await this.terminals.update(id, dto));
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @Roles(...ORGANISATION_WRITERS)
  @ApiOperation({ summary: '停用终端 Deactivate a terminal (no hard delete)' })
  @ApiOkResponse({ type: TerminalResponseDto })
  async deactivate(@Param('id', ParseUUIDPipe) id: string): Promise<TerminalResponseDto> {
    return TerminalResponseDto.of(await this.terminals.deactivate(id));
  }
}
