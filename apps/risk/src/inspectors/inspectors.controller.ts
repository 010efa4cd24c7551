import { Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { InspectorDto, InspectorLeadDto, InspectorMeDto } from './dto/inspector.dto';
import { InspectorsService } from './inspectors.service';

@ApiTags('risk: inspectors 纪检监察人员')
@ApiBearerAuth()
@Controller()
export class InspectorsController {
  constructor(private readonly inspectors: InspectorsService) {}

  @Get('inspectors/me')
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '当前核查人员 The calling inspector and whether they are a lead' })
  @ApiOkResponse({ type: InspectorMeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<InspectorMeDto> {
    return this.inspectors.me(principal);
  }

  @Get('inspectors')
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '核查人员列表 Inspectors whose jurisdiction lies inside the caller\'s (assignment candidates)' })
  @ApiOkResponse({ type: [InspectorDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<InspectorDto[]> {
    return this.inspectors.list(principal);
  }

  @Get('inspector-leads')
  @Roles(Role.Admin)
  @ApiOperation({ summary: '组长列表 Inspector leads' })
  @ApiOkResponse({ type: [InspectorLeadDto] })
  leads(): Promise<InspectorLeadDto[]> {
    return this.inspectors.listLeads();
  }

  @Put('inspector-leads/:staffId')
  @Roles(Role.Admin)
  @ApiOperation({ summary: '设为组长 Make an inspector a lead (idempotent; audited)' })
  @ApiOkResponse({ type: InspectorDto })
  @ApiNotFoundResponse({ description: 'INSPECTOR_NOT_FOUND' })
  grant(@Param('staffId', new ParseUUIDPipe()) staffId: string, @CurrentPrincipal() principal: Principal): Promise<InspectorDto> {
    return this.inspectors.grantLead(staffId, principal);
  }

  @Delete('inspector-leads/:staffId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Roles(Role.Admin)
  @ApiOperation({ summary: '取消组长 Revoke a lead (audited)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'INSPECTOR_NOT_FOUND' })
  async revoke(@Param('staffId', new ParseUUIDPipe()) staffId: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.inspectors.revokeLead(staffId, principal);
  }
}
