import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { pageRequestOf } from '@meal/organisation';
import { AuditEntryDto } from '../audit/dto/audit.dto';
import { SnoozeDto } from '../snoozes/dto/snooze.dto';
import { CaseFileService } from './case-file.service';
import { AttachmentNotFoundException } from './cases.exceptions';
import { CSV_BOM } from './case-csv';
import { CasesService } from './cases.service';
import {
  AddAttachmentDto,
  AddNoteDto,
  AssignCaseDto,
  BulkCaseActionDto,
  BulkResultDto,
  CaseAttachmentDto,
  CaseDetailDto,
  CaseFilterQueryDto,
  CaseNoteDto,
  CasePageDto,
  CaseResponseDto,
  CloseCaseDto,
  ListCasesQueryDto,
  ReasonDto,
  SnoozeCaseDto,
  TakeNextDto,
  TakeNextResultDto,
} from './dto/case.dto';

const UUID = new ParseUUIDPipe();

/**
 * Cases (线索) for discipline inspectors: the queue, the detail with its evidence, the workflow, notes, attachments,
 * snoozes and exports. Every route is limited to the caller's jurisdiction; a case outside it answers 404 CASE_NOT_FOUND.
 */
@ApiTags('risk: cases 线索')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly files: CaseFileService,
  ) {}

  @Get()
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '线索列表 The case queue', description: 'Filters: status, resolution, model, severity, subjectType, regionCode, unitId, assignee, from/to; sort and order; paginated. Unknown parameters: 400.' })
  @ApiOkResponse({ type: CasePageDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED (also an unknown filter)' })
  async list(@Query() query: ListCasesQueryDto, @CurrentPrincipal() principal: Principal): Promise<CasePageDto> {
    const page = pageRequestOf(query);
    return { ...(await this.cases.list(query, principal, page)), page: page.page, pageSize: page.pageSize };
  }

  @Get('export.csv')
  @Roles(Role.Inspector, Role.Admin)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="cases.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: '导出线索列表 The filtered queue as CSV (at most 50,000 rows)' })
  @ApiOkResponse({ description: 'CSV, UTF-8 with BOM' })
  async exportCsv(@Query() query: CaseFilterQueryDto, @CurrentPrincipal() principal: Principal): Promise<string> {
    return CSV_BOM + (await this.files.listCsv(query, principal));
  }

  @Post('take-next')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '领取下一条线索 Take the next new case', description: 'The most severe, oldest new case of the jurisdiction is assigned to the caller; concurrent callers never get the same case.' })
  @ApiOkResponse({ type: TakeNextResultDto })
  @ApiNotFoundResponse({ description: 'CASE_QUEUE_EMPTY' })
  async takeNext(@Body() body: TakeNextDto, @CurrentPrincipal() principal: Principal): Promise<TakeNextResultDto> {
    return { case: await this.cases.takeNext(principal, body.model) };
  }

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '批量分派/办结 Assign or close several cases (lead)', description: 'All or nothing: one case out of jurisdiction (404) or in a wrong status (409) changes none.' })
  @ApiOkResponse({ type: BulkResultDto })
  @ApiForbiddenResponse({ description: 'INSPECTOR_LEAD_REQUIRED' })
  async bulk(@Body() body: BulkCaseActionDto, @CurrentPrincipal() principal: Principal): Promise<BulkResultDto> {
    return { items: await this.cases.bulk(body, principal) };
  }

  @Get(':id')
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '线索详情 Case detail', description: 'Explanation, warnings, evidence timeline, map data (location warnings), hosted-whom graph (receptions), notes, attachments, snoozes, what the caller may do.' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ApiNotFoundResponse({ description: 'CASE_NOT_FOUND (also outside the jurisdiction)' })
  detail(@Param('id', UUID) id: string, @CurrentPrincipal() principal: Principal): Promise<CaseDetailDto> {
    return this.files.detail(id, principal);
  }

  @Get(':id/audit')
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '操作记录 The append-only audit trail of a case, oldest first' })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiNotFoundResponse({ description: 'CASE_NOT_FOUND' })
  audit(@Param('id', UUID) id: string, @CurrentPrincipal() principal: Principal): Promise<AuditEntryDto[]> {
    return this.cases.auditTrail(id, principal);
  }

  @Get(':id/file.csv')
  @Roles(Role.Inspector, Role.Admin)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: '导出案卷 The case file as CSV (audited)' })
  @ApiOkResponse({ description: 'CSV, UTF-8 with BOM' })
  @ApiNotFoundResponse({ description: 'CASE_NOT_FOUND' })
  async caseFile(@Param('id', UUID) id: string, @CurrentPrincipal() principal: Principal, @Res() res: Response): Promise<void> {
    const { csv } = await this.files.caseFileCsv(id, principal);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="case-${id}.csv"`);
    res.send(CSV_BOM + csv);
  }

  @Post(':id/take')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '领取 Take this new case for oneself' })
  @ApiOkResponse({ type: CaseResponseDto })
  @ApiConflictResponse({ description: 'CASE_TRANSITION_NOT_ALLOWED (no longer new: someone else took it)' })
  take(@Param('id', UUID) id: string, @CurrentPrincipal() principal: Principal): Promise<CaseResponseDto> {
    return this.cases.take(id, principal);
  }

  @Post(':id/assign')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '分派 Assign the case to an inspector (lead)' })
  @ApiOkResponse({ type: CaseResponseDto })
  @ApiForbiddenResponse({ description: 'INSPECTOR_LEAD_REQUIRED' })
  @ApiConflictResponse({ description: 'CASE_TRANSITION_NOT_ALLOWED' })
  assign(@Param('id', UUID) id: string, @Body() body: AssignCaseDto, @CurrentPrincipal() principal: Principal): Promise<CaseResponseDto> {
    return this.cases.assign(id, body.assigneeId, principal);
  }

  @Post(':id/start')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '开始核查 Start investigating (the assignee)' })
  @ApiOkResponse({ type: CaseResponseDto })
  @ApiConflictResponse({ description: 'CASE_TRANSITION_NOT_ALLOWED' })
  start(@Param('id', UUID) id: string, @CurrentPrincipal() principal: Principal): Promise<CaseResponseDto> {
    return this.cases.start(id, principal);
  }

  @Post(':id/close')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '办结 Close as confirmed / dismissed / inconclusive (the assignee from investigating; a lead from any open status)' })
  @ApiOkResponse({ type: CaseResponseDto })
  @ApiConflictResponse({ description: 'CASE_TRANSITION_NOT_ALLOWED' })
  close(@Param('id', UUID) id: string, @Body() body: CloseCaseDto, @CurrentPrincipal() principal: Principal): Promise<CaseResponseDto> {
    return this.cases.close(id, body.resolution, body.reason, principal);
  }

  @Post(':id/reopen')
  @HttpCode(HttpStatus.OK)
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '重新打开 Reopen a closed case (a lead or the last assignee)' })
  @ApiOkResponse({ type: CaseResponseDto })
  @ApiConflictResponse({ description: 'CASE_TRANSITION_NOT_ALLOWED or CASE_REOPEN_CONFLICT' })
  reopen(@Param('id', UUID) id: string, @Body() body: ReasonDto, @CurrentPrincipal() principal: Principal): Promise<CaseResponseDto> {
    return this.cases.reopen(id, body.reason, principal);
  }

  @Post(':id/notes')
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '添加核查记录 Add a note (at most 2,000 characters; the assignee or a lead)' })
  @ApiCreatedResponse({ type: CaseNoteDto })
  addNote(@Param('id', UUID) id: string, @Body() body: AddNoteDto, @CurrentPrincipal() principal: Principal): Promise<CaseNoteDto> {
    return this.cases.addNote(id, body.body, principal);
  }

  @Post(':id/attachments')
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '上传附件 Attach a small file (PDF, PNG, JPEG, text, CSV; at most 512 KiB; base64 in JSON)' })
  @ApiCreatedResponse({ type: CaseAttachmentDto })
  @ApiBadRequestResponse({ description: 'ATTACHMENT_TOO_LARGE, ATTACHMENT_TYPE_NOT_ALLOWED, ATTACHMENT_INVALID' })
  addAttachment(@Param('id', UUID) id: string, @Body() body: AddAttachmentDto, @CurrentPrincipal() principal: Principal): Promise<CaseAttachmentDto> {
    return this.cases.addAttachment(id, body, principal);
  }

  @Get(':id/attachments/:attachmentId')
  @Roles(Role.Inspector, Role.Admin)
  @ApiOperation({ summary: '下载附件 Download an attachment' })
  @ApiOkResponse({ description: 'The file, as an attachment' })
  @ApiNotFoundResponse({ description: 'CASE_NOT_FOUND or ATTACHMENT_NOT_FOUND' })
  async attachment(
    @Param('id', UUID) id: string,
    @Param('attachmentId', UUID) attachmentId: string,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.cases.attachmentContent(id, attachmentId, principal);
    if (!file) throw new AttachmentNotFoundException(attachmentId);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    res.send(file.content);
  }

  @Post(':id/snooze')
  @Roles(Role.Inspector)
  @ApiOperation({ summary: '暂停预警 Snooze the case\'s model for its subject until a day (lead)', description: 'The evaluator neither opens nor extends a case of this model and subject until the end date (inclusive, Asia/Shanghai).' })
  @ApiCreatedResponse({ type: SnoozeDto })
  @ApiConflictResponse({ description: 'SNOOZE_EXISTS' })
  snooze(@Param('id', UUID) id: string, @Body() body: SnoozeCaseDto, @CurrentPrincipal() principal: Principal): Promise<SnoozeDto> {
    return this.cases.snooze(id, body.reason, body.until, principal);
  }
}
