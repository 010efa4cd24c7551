import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { ReplayRunDto, StartReplayDto } from './dto/replay.dto';
import { ReplayService } from './replay.service';

@ApiTags('risk: replays 历史重放')
@ApiBearerAuth()
@Controller('replays')
export class ReplayController {
  constructor(private readonly replays: ReplayService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Roles(Role.Admin)
  @ApiOperation({
    summary: '历史重放 Replay the input topics from the beginning in shadow mode',
    description:
      'A fresh consumer group reads meal, claim and reception events up to the current end offsets and runs the models in memory: ' +
      'no warning, case or alert is written. Poll GET /replays/{id} for the report (compared with the live warnings).',
  })
  @ApiAcceptedResponse({ type: ReplayRunDto })
  async start(@Body() dto: StartReplayDto, @CurrentPrincipal() principal: Principal): Promise<ReplayRunDto> {
    return ReplayRunDto.of(await this.replays.start(dto, principal.subject));
  }

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: '重放记录 The latest replays (50)' })
  @ApiOkResponse({ type: [ReplayRunDto] })
  async list(): Promise<ReplayRunDto[]> {
    return (await this.replays.list()).map(ReplayRunDto.of);
  }

  @Get(':id')
  @Roles(Role.Admin)
  @ApiOperation({ summary: '查看重放 A replay: progress while running, the report when completed' })
  @ApiOkResponse({ type: ReplayRunDto })
  async get(@Param('id') id: string): Promise<ReplayRunDto> {
    return ReplayRunDto.of(await this.replays.get(id));
  }
}
