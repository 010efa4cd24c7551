import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { DashboardService } from './dashboard.service';
import { DashboardDto, ModelQualityReportDto, MonthRangeQueryDto } from './dto/dashboard.dto';

@ApiTags('risk: dashboard 监测看板')
@ApiBearerAuth()
@Controller()
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get('dashboard')
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({
    summary: '监测看板 Warnings by model, region and month; open cases and ageing; canteen use and unit-paid spending; receptions',
    description: 'Limited to the inspector\'s jurisdiction. Months inclusive, at most 36.',
  })
  @ApiOkResponse({ type: DashboardDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED or MONTH_RANGE_INVALID' })
  get(@Query() query: MonthRangeQueryDto, @CurrentPrincipal() principal: Principal): Promise<DashboardDto> {
    return this.dashboard.dashboard(principal, query.from, query.to);
  }

  @Get('quality/models')
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '模型质量 Per model: open cases and cases closed in the range as confirmed / dismissed / inconclusive, with precision' })
  @ApiOkResponse({ type: ModelQualityReportDto })
  quality(@Query() query: MonthRangeQueryDto, @CurrentPrincipal() principal: Principal): Promise<ModelQualityReportDto> {
    return this.dashboard.quality(principal, query.from, query.to);
  }
}
