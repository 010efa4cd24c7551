import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { pageRequestOf } from '@meal/organisation';
import { ListWarningsQueryDto, WarningPageDto } from './dto/warning.dto';
import { jurisdictionPrefixOf } from './jurisdiction';
import { WarningRepository } from './warning.repository';

@ApiTags('risk: warnings 预警')
@ApiBearerAuth()
@Controller('warnings')
export class WarningsController {
  constructor(private readonly warnings: WarningRepository) {}

  @Get()
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '预警列表 List warnings', description: "Filters: model, subjectId, caseId; paginated. Inspectors see subjects in their jurisdiction only." })
  @ApiOkResponse({ type: WarningPageDto })
  async list(@Query() query: ListWarningsQueryDto, @CurrentPrincipal() principal: Principal): Promise<WarningPageDto> {
    const page = pageRequestOf(query);
    const result = await this.warnings.list({
      model: query.model,
      subjectId: query.subjectId,
      caseId: query.caseId,
      regionPrefix: jurisdictionPrefixOf(principal),
      limit: page.pageSize,
      offset: page.skip,
    });
    return { ...result, page: page.page, pageSize: page.pageSize };
  }
}
