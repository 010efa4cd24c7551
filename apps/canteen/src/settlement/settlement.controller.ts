import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { pageRequestOf } from '@meal/organisation';
import { NetsQueryDto, PeriodKeyParamsDto, PeriodsQueryDto, StatementLinesQueryDto, StatementParamsDto, StatementsQueryDto } from './dto/settlement.dto';
import {
  CloseResponseDto,
  CounterpartyDto,
  MonthOverviewDto,
  NetsResponseDto,
  PeriodDto,
  PeriodOverviewItemDto,
  StatementDetailDto,
  StatementDto,
  StatementLineDto,
  StatementLinesPageDto,
  StatementsPageDto,
} from './dto/settlement.response.dto';
import { csvLine, csvPreamble, renderPrintableStatement } from './settlement-export';
import { SettlementCloseService } from './settlement-close.service';
import { StatementLine } from './settlement.repository';
import { PRINT_LINE_LIMIT, SettlementService } from './settlement.service';

/** 结算期: overview, close (关账), nets (轧差). Settlement officers; closing is for the clearing company. */
@ApiTags('settlement')
@ApiBearerAuth()
@Roles(Role.SettlementOfficer)
@Controller('settlement/periods')
export class SettlementPeriodsController {
  constructor(
    private readonly settlement: SettlementService,
    private readonly closing: SettlementCloseService,
  ) {}

  @Get()
  @ApiOperation({ summary: '结算期一览', description: 'The month and each of its days (Asia/Shanghai): closed with frozen figures, or open (closable?).' })
  @ApiOkResponse({ type: MonthOverviewDto })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_PERIOD_NOT_FOUND (not a real month)' })
  async overview(@Query() query: PeriodsQueryDto): Promise<MonthOverviewDto> {
    const { month, days } = await this.settlement.monthOverview(query.month);
    return { month: PeriodOverviewItemDto.of(month), days: days.map(PeriodOverviewItemDto.of) };
  }

  @Get(':key')
  @ApiOperation({ summary: '已关账结算期', description: 'A closed day (YYYY-MM-DD) or month (YYYY-MM) with its frozen figures.' })
  @ApiOkResponse({ type: PeriodDto })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_PERIOD_NOT_FOUND / SETTLEMENT_PERIOD_NOT_CLOSED' })
  async period(@Param() params: PeriodKeyParamsDto): Promise<PeriodDto> {
    return PeriodDto.of(await this.settlement.period(params.key));
  }

  @Post(':key/close')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '关账',
    description:
      'Closes a day or a month (a month first closes its open days, then draws up one statement per unit and per district). ' +
      'Idempotent and safe concurrently: an already closed period is returned unchanged with alreadyClosed=true. Clearing company only.',
  })
  @ApiOkResponse({ type: CloseResponseDto })
  @ApiResponse({ status: 403, description: 'ROLE_NOT_ALLOWED / SETTLEMENT_CLEARING_ROLE_REQUIRED' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_PERIOD_NOT_FOUND' })
  @ApiResponse({ status: 422, description: 'SETTLEMENT_PERIOD_NOT_OVER (today, the current month or the future)' })
  async close(@CurrentPrincipal() principal: Principal, @Param() params: PeriodKeyParamsDto): Promise<CloseResponseDto> {
    return CloseResponseDto.of(await this.closing.closeForPrincipal(principal, params.key));
  }

  @Get(':key/nets')
  @ApiOperation({ summary: '轧差净额', description: "Each district's (level=region) or unit's (level=unit) net position against the clearing company; within the officer's scope." })
  @ApiOkResponse({ type: NetsResponseDto })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_PERIOD_NOT_FOUND / SETTLEMENT_PERIOD_NOT_CLOSED' })
  async nets(@CurrentPrincipal() principal: Principal, @Param() params: PeriodKeyParamsDto, @Query() query: NetsQueryDto): Promise<NetsResponseDto> {
    return NetsResponseDto.of(await this.settlement.nets(principal, params.key, query.level ?? 'region', query.limit ?? 1000));
  }
}

/** 结算单: list, detail, meals, CSV, printable page, approval flow. */
@ApiTags('settlement')
@ApiBearerAuth()
@Roles(Role.SettlementOfficer)
@Controller('settlement/statements')
export class SettlementStatementsController {
  constructor(private readonly settlement: SettlementService) {}

  @Get()
  @ApiOperation({ summary: '结算单列表', description: "Statements in the officer's scope (the clearing company sees all)." })
  @ApiOkResponse({ type: StatementsPageDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: StatementsQueryDto): Promise<StatementsPageDto> {
    const page = pageRequestOf(query);
    const { items, total } = await this.settlement.listStatements(
      principal,
      { month: query.month, partyType: query.partyType, status: query.status, q: query.q },
      page.skip,
      page.pageSize,
    );
    return { items: items.map(StatementDto.of), total, page: page.page, pageSize: page.pageSize };
  }

  @Get(':id')
  @ApiOperation({ summary: '结算单', description: 'Totals, net position, approval trail and the counterparties (bilateral totals).' })
  @ApiOkResponse({ type: StatementDetailDto })
  @ApiResponse({ status: 403, description: 'SETTLEMENT_SCOPE_VIOLATION' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_STATEMENT_NOT_FOUND' })
  async detail(@CurrentPrincipal() principal: Principal, @Param() params: StatementParamsDto): Promise<StatementDetailDto> {
    const { statement, counterparties } = await this.settlement.statement(principal, params.id);
    const scope = await this.settlement.scopeOf(principal);
    return {
      statement: StatementDto.of(statement),
      counterparties: counterparties.map(CounterpartyDto.of),
      canConfirm: statement.status === 'paid' && this.settlement.canConfirm(scope, statement),
    };
  }

  @Get(':id/lines')
  @ApiOperation({ summary: '结算单明细', description: 'The meals behind the statement (who, where, when, slot, price), reversals included; paged.' })
  @ApiOkResponse({ type: StatementLinesPageDto })
  @ApiResponse({ status: 403, description: 'SETTLEMENT_SCOPE_VIOLATION' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_STATEMENT_NOT_FOUND' })
  async lines(@CurrentPrincipal() principal: Principal, @Param() params: StatementParamsDto, @Query() query: StatementLinesQueryDto): Promise<StatementLinesPageDto> {
    const page = pageRequestOf(query);
    const { items, total } = await this.settlement.lines(principal, params.id, page.skip, page.pageSize);
    return { items: items.map(StatementLineDto.of), total, page: page.page, pageSize: page.pageSize };
  }

  @Get(':id/lines.csv')
  @ApiOperation({ summary: '下载结算单 CSV', description: 'Every meal line, streamed day by day (UTF-8 with BOM).' })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV' })
  @ApiResponse({ status: 403, description: 'SETTLEMENT_SCOPE_VIOLATION' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_STATEMENT_NOT_FOUND' })
  async csv(@CurrentPrincipal() principal: Principal, @Param() params: StatementParamsDto, @Res() res: Response): Promise<void> {
    const statement = await this.settlement.readableStatement(principal, params.id);
    res.status(HttpStatus.OK);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="statement-${statement.periodStart.slice(0, 7)}-${statement.id}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.write(csvPreamble(statement));
    let chunk: string[] = [];
    for await (const line of this.settlement.allLines(statement)) {
      chunk.push(csvLine(line));
      if (chunk.length >= 1000) {
        if (!res.write(`${chunk.join('\r\n')}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
        chunk = [];
      }
    }
    if (chunk.length > 0) res.write(`${chunk.join('\r\n')}\r\n`);
    res.end();
  }

  @Get(':id/print')
  @ApiOperation({ summary: '打印结算单', description: `A printable A4 page (zh-CN, no script): totals, counterparties, the first ${PRINT_LINE_LIMIT} meal lines, approval trail.` })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'HTML' })
  @ApiResponse({ status: 403, description: 'SETTLEMENT_SCOPE_VIOLATION' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_STATEMENT_NOT_FOUND' })
  async print(@CurrentPrincipal() principal: Principal, @Param() params: StatementParamsDto, @Res() res: Response): Promise<void> {
    const { statement, counterparties } = await this.settlement.statement(principal, params.id);
    const lines: StatementLine[] = [];
    for await (const line of this.settlement.allLines(statement, PRINT_LINE_LIMIT)) lines.push(line);
    const total = statement.payableCount + statement.receivableCount + statement.reversalPayableCount + statement.reversalReceivableCount;
    res.status(HttpStatus.OK).setHeader('Content-Type', 'text/html; charset=utf-8').setHeader('Cache-Control', 'no-store');
    res.send(renderPrintableStatement(statement, counterparties, lines, total));
  }

  @Post(':id/approve')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '审核结算单', description: 'prepared → approved by the clearing company; writes settlement.statement-approved to the outbox in the same transaction.' })
  @ApiOkResponse({ type: StatementDto })
  @ApiResponse({ status: 403, description: 'ROLE_NOT_ALLOWED / SETTLEMENT_CLEARING_ROLE_REQUIRED' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_STATEMENT_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'SETTLEMENT_STATEMENT_ILLEGAL_TRANSITION (e.g. approved twice)' })
  async approve(@CurrentPrincipal() principal: Principal, @Param() params: StatementParamsDto): Promise<StatementDto> {
    return StatementDto.of(await this.settlement.advance(principal, params.id, 'approve'));
  }

  @Post(':id/pay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '标记已付款', description: 'approved → paid by the clearing company.' })
  @ApiOkResponse({ type: StatementDto })
  @ApiResponse({ status: 403, description: 'ROLE_NOT_ALLOWED / SETTLEMENT_CLEARING_ROLE_REQUIRED' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_STATEMENT_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'SETTLEMENT_STATEMENT_ILLEGAL_TRANSITION' })
  async pay(@CurrentPrincipal() principal: Principal, @Param() params: StatementParamsDto): Promise<StatementDto> {
    return StatementDto.of(await this.settlement.advance(principal, params.id, 'pay'));
  }

  @Post(':id/confirm')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '确认结算单', description: "paid → confirmed by the party's own finance officer (a settlement officer bound to a unit whose region covers it)." })
  @ApiOkResponse({ type: StatementDto })
  @ApiResponse({ status: 403, description: 'ROLE_NOT_ALLOWED / SETTLEMENT_UNIT_CONFIRMATION_REQUIRED / SETTLEMENT_SCOPE_VIOLATION' })
  @ApiResponse({ status: 404, description: 'SETTLEMENT_STATEMENT_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'SETTLEMENT_STATEMENT_ILLEGAL_TRANSITION' })
  async confirm(@CurrentPrincipal() principal: Principal, @Param() params: StatementParamsDto): Promise<StatementDto> {
    return StatementDto.of(await this.settlement.advance(principal, params.id, 'confirm'));
  }
}
