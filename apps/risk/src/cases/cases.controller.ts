import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { pageRequestOf } from '@meal/organisation';
import { jurisdictionPrefixOf } from '../warnings/jurisdiction';
import { CaseRepository } from './case.repository';
import { CasePageDto, ListCasesQueryDto } from './dto/case.dto';

@ApiTags('risk: cases 线索')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CaseRepository) {}

  @Get()
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '线索列表 List cases', description: 'Filters: status, model; paginated. Inspectors see subjects in their jurisdiction only.' })
  @ApiOkResponse({ type: CasePageDto })
  async list(@Query() query: ListCasesQueryDto, @CurrentPrincipal() principal: Principal): Promise<CasePageDto> {
    const page = pageRequestOf(query);
    const result = await this.cases.list({ status: query.status, model: query.model, regionPrefix: jurisdictionPrefixOf(principal), limit: page.pageSize, offset: page.skip });
    return { ...result, page: page.page, pageSize: page.pageSize };
  }
}
