import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { BacktestService } from '../backtest/backtest.service';
import { BacktestRequestDto, BacktestResultDto, ModelSettingsResponseDto, UpdateModelSettingsDto } from './dto/model-settings.dto';
import { ModelSettingsService } from './model-settings.service';

@ApiTags('risk: warning models 预警模型')
@ApiBearerAuth()
@Controller('models')
export class ModelsController {
  constructor(
    private readonly settings: ModelSettingsService,
    private readonly backtests: BacktestService,
  ) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: '预警模型列表 List warning models with their settings' })
  @ApiOkResponse({ type: [ModelSettingsResponseDto] })
  async list(): Promise<ModelSettingsResponseDto[]> {
    return (await this.settings.list()).map(ModelSettingsResponseDto.of);
  }

  @Get(':key')
  @Roles(Role.Admin)
  @ApiOperation({ summary: '查看预警模型 Get a model and its settings' })
  @ApiOkResponse({ type: ModelSettingsResponseDto })
  async get(@Param('key') key: string): Promise<ModelSettingsResponseDto> {
    return ModelSettingsResponseDto.of(await this.settings.get(key));
  }

  @Patch(':key')
  @Roles(Role.Admin)
  @ApiOperation({ summary: '修改预警模型 Change thresholds, on/off, severity or scope (bumps the revision)' })
  @ApiOkResponse({ type: ModelSettingsResponseDto })
  async update(@Param('key') key: string, @Body() dto: UpdateModelSettingsDto, @CurrentPrincipal() principal: Principal): Promise<ModelSettingsResponseDto> {
    return ModelSettingsResponseDto.of(await this.settings.update(key, dto, principal.subject));
  }

  @Post(':key/backtest')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Admin)
  @ApiOperation({
    summary: '模型回测 Backtest a model in shadow mode',
    description: 'Re-runs the model over the stored facts of the date range (or all) without writing warnings; compares with live warnings by dedupe key.',
  })
  @ApiOkResponse({ type: BacktestResultDto })
  async backtest(@Param('key') key: string, @Body() dto: BacktestRequestDto): Promise<BacktestResultDto> {
    return this.backtests.run(key, dto);
  }
}
