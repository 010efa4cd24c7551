import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { pageRequestOf } from '@meal/organisation';
import { ListSnoozesQueryDto, SnoozeDto, SnoozePageDto } from './dto/snooze.dto';
import { SnoozesService } from './snoozes.service';

@ApiTags('risk: snoozes 暂停预警')
@ApiBearerAuth()
@Controller('snoozes')
export class SnoozesController {
  constructor(private readonly snoozes: SnoozesService) {}

  @Get()
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '暂停预警列表 Snoozes of models per subject', description: 'Inspectors see subjects in their jurisdiction only. Created from a case: POST /cases/:id/snooze.' })
  @ApiOkResponse({ type: SnoozePageDto })
  async list(@Query() query: ListSnoozesQueryDto, @CurrentPrincipal() principal: Principal): Promise<SnoozePageDto> {
    const page = pageRequestOf(query);
    return { ...(await this.snoozes.list(principal, query.active ?? false, page)), page: page.page, pageSize: page.pageSize };
  }

  @Post(':id/lift')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '解除暂停 Lift a snooze early (lead; audited)' })
  @ApiOkResponse({ type: SnoozeDto })
  @ApiNotFoundResponse({ description: 'SNOOZE_NOT_FOUND (also outside the jurisdiction)' })
  lift(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<SnoozeDto> {
    return this.snoozes.lift(id, principal);
  }
}
