import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@meal/auth';
import { createEvent } from '@meal/contracts';
import { OutboxWriter } from '@meal/kafka';
import { closableFrom, daysBetween, isClosable, parsePeriodKey, PeriodRef } from './settlement-period';
import { SETTLEMENT_CLOCK, SettlementClock } from './settlement.clock';
import {
  SettlementClearingRoleRequiredException,
  SettlementPeriodNotClosedException,
  SettlementPeriodNotFoundException,
  SettlementStatementNotFoundException,
  SettlementStatementTransitionException,
  SettlementUnitRoleRequiredException,
} from './settlement.exceptions';
import {
  CounterpartyLine,
  NetPosition,
  PeriodRecord,
  SettlementRepository,
  StatementFilter,
  StatementLine,
  StatementRecord,
  StatementStatus,
} from './settlement.repository';
import { assertInScope, isInScope, scopePrefix, SettlementScope, SettlementScopeResolver } from './settlement-scope';

export interface PeriodOverviewItem {
  key: string;
  kind: 'day' | 'month';
  start: string;
  end: string;
  closed: boolean;
  closable: boolean;
  closableFrom: Date;
  record: PeriodRecord | null;
  /** Open days: unit-paid meals (not voided) a close would take in now. */
  openUnitPaidCount: number;
  openUnitPaidFen: number;
}

export interface NetsResult {
  period: PeriodRecord;
  level: 'unit' | 'region';
  positions: NetPosition[];
  total: number;
  sumOfNetFen: number;
  bilateralPairs: number;
  netTransfers: number;
  transfersSaved: number;
}

export interface StatementDetail {
  statement: StatementRecord;
  counterparties: CounterpartyLine[];
}

/** Lines per query when streaming a statement's meals (CSV, print): memory stays bounded by this. */
const LINE_BATCH = 5000;
/** The printable page shows at most this many meal lines (the CSV has them all). */
export const PRINT_LINE_LIMIT = 2000;

type Action = { from: StatementStatus; to: Exclude<StatementStatus, 'prepared'>; label: '审核' | '付款' | '确认' };
const ACTIONS: Record<'approve' | 'pay' | 'confirm', Action> = {
  approve: { from: 'prepared', to: 'approved', label: '审核' },
  pay: { from: 'approved', to: 'paid', label: '付款' },
  confirm: { from: 'paid', to: 'confirmed', label: '确认' },
};

/**
 * 结算: periods (overview), net positions after netting (轧差), statements with the meals behind them, and the
 * approval flow prepared → approved (clearing company) → paid (clearing company) → confirmed (the unit's or district's
 * own finance officer), who and when recorded; the approval writes `settlement.statement-approved` to the outbox in
 * the same transaction. Every read is limited to the officer's scope (SettlementScopeResolver).
 */
@Injectable()
export class SettlementService {
  constructor(
    private readonly repository: SettlementRepository,
    private readonly scopes: SettlementScopeResolver,
    private readonly outbox: OutboxWriter,
    @Inject(SETTLEMENT_CLOCK) private readonly clock: SettlementClock,
  ) {}

  scopeOf(principal: Principal): Promise<SettlementScope> {
    return this.scopes.resolve(principal);
  }

  parse(key: string): PeriodRef {
    const period = parsePeriodKey(key);
    if (!period) throw new SettlementPeriodNotFoundException(key);
    return period;
  }

  /** The month and each of its days: closed (with figures) or open (closable yet? what a close would take in). */
  async monthOverview(monthKey: string): Promise<{ month: PeriodOverviewItem; days: PeriodOverviewItem[] }> {
    const month = this.parse(monthKey);
    if (month.kind !== 'month') throw new SettlementPeriodNotFoundException(monthKey);
    const now = this.clock.now();
    const records = await this.repository.periodsOfMonth(month.monthStart);
    const open = await this.repository.openDayActivity(month.start, month.end);
    const item = (ref: PeriodRef, record: PeriodRecord | undefined): PeriodOverviewItem => {
      const activity = ref.kind === 'day' ? open.get(ref.start) : undefined;
      const openDays = ref.kind === 'month' ? [...open.values()] : activity ? [activity] : [];
      return {
        key: ref.key,
        kind: ref.kind,
        start: ref.start,
        end: ref.end,
        closed: Boolean(record),
        closable: !record && isClosable(ref, now),
        closableFrom: closableFrom(ref),
        record: record ?? null,
        openUnitPaidCount: record ? 0 : openDays.reduce((a, d) => a + d.count, 0),
        openUnitPaidFen: record ? 0 : openDays.reduce((a, d) => a + d.fen, 0),
      };
    };
    const monthRecord = records.find((r) => r.kind === 'month');
    const days = daysBetween(month.start, month.end).map((d) => {
      const ref = parsePeriodKey(d) as PeriodRef;
      return item(ref, records.find((r) => r.kind === 'day' && r.periodStart === d));
    });
    return { month: item(month, monthRecord), days };
  }

  async period(key: string): Promise<PeriodRecord> {
    const ref = this.parse(key);
    const record = await this.repository.findPeriod(ref.kind, ref.start);
    if (!record) throw new SettlementPeriodNotClosedException(key);
    return record;
  }

  /** 轧差: each party's single net position against the clearing company, and what netting saved. */
  async nets(principal: Principal, key: string, level: 'unit' | 'region', limit: number): Promise<NetsResult> {
    const scope = await this.scopes.resolve(principal);
    const period = await this.period(key);
    const prefix = scopePrefix(scope);
    const positions =
      period.kind === 'day' ? await this.repository.dayNets(period.id, level, prefix) : await this.repository.monthNets(period.id, level, prefix);
    const bilateralPairs = level === 'unit' ? period.unitBilateralPairs : period.districtBilateralPairs;
    const netTransfers = level === 'unit' ? period.unitNetTransfers : period.districtNetTransfers;
    return {
      period,
      level,
      positions: positions.slice(0, limit),
      total: positions.length,
      sumOfNetFen: positions.reduce((a, p) => a + p.netFen, 0),
      bilateralPairs,
      netTransfers,
      transfersSaved: bilateralPairs - netTransfers,
    };
  }

  async listStatements(principal: Principal, filter: Omit<StatementFilter, 'regionPrefix' | 'monthStart'> & { month?: string }, skip: number, take: number) {
    const scope = await this.scopes.resolve(principal);
    let monthStart: string | undefined;
    if (filter.month !== undefined) {
      const ref = this.parse(filter.month);
      if (ref.kind !== 'month') throw new SettlementPeriodNotFoundException(filter.month);
      monthStart = ref.start;
    }
    return this.repository.listStatements({ ...filter, monthStart, regionPrefix: scopePrefix(scope) }, skip, take);
  }

  async statement(principal: Principal, id: string): Promise<StatementDetail> {
    const statement = await this.readableStatement(principal, id);
    return { statement, counterparties: await this.repository.counterparties(statement) };
  }

  async lines(principal: Principal, id: string, skip: number, take: number): Promise<{ statement: StatementRecord; items: StatementLine[]; total: number }> {
    const statement = await this.readableStatement(principal, id);
    const items = await this.repository.statementLines(statement, statement.periodStart, statement.periodEnd, take, skip);
    return { statement, items, total: statement.payableCount + statement.receivableCount + statement.reversalPayableCount + statement.reversalReceivableCount };
  }

  /** Every line of a statement, day by day and in batches: memory is bounded by a batch, not the month. */
  async *allLines(statement: StatementRecord, max = Number.POSITIVE_INFINITY): AsyncGenerator<StatementLine> {
    let emitted = 0;
    for (const day of daysBetween(statement.periodStart, statement.periodEnd)) {
      for (let offset = 0; ; offset += LINE_BATCH) {
        const batch = await this.repository.statementLines(statement, day, day, LINE_BATCH, offset);
        for (const line of batch) {
          if (emitted >= max) return;
          emitted += 1;
          yield line;
        }
        if (batch.length < LINE_BATCH) break;
      }
    }
  }

  async readableStatement(principal: Principal, id: string): Promise<StatementRecord> {
    const scope = await this.scopes.resolve(principal);
    const statement = await this.repository.findStatement(id);
    if (!statement) throw new SettlementStatementNotFoundException(id);
    assertInScope(scope, statement.regionCode, `结算单“${statement.partyName}”`);
    return statement;
  }

  /** approve / pay (clearing company), confirm (the party's own finance officer); one step, row-locked. */
  async advance(principal: Principal, id: string, action: 'approve' | 'pay' | 'confirm'): Promise<StatementRecord> {
    const scope = await this.scopes.resolve(principal);
    const step = ACTIONS[action];
    if (action !== 'confirm' && scope.kind !== 'clearing') throw new SettlementClearingRoleRequiredException(action === 'approve' ? '审核结算单' : '标记付款');
    return this.repository.transaction(async (tx) => {
      const statement = await this.repository.findStatement(id, tx, true);
      if (!statement) throw new SettlementStatementNotFoundException(id);
      if (action === 'confirm') {
        if (scope.kind === 'clearing') throw new SettlementUnitRoleRequiredException();
        assertInScope(scope, statement.regionCode, `结算单“${statement.partyName}”`);
      }
      if (statement.status !== step.from) throw new SettlementStatementTransitionException(id, statement.status, step.label, step.from);
      const now = this.clock.now();
      const moved = await this.repository.advanceStatement(tx, id, step.from, step.to, { id: scope.officerId, name: scope.officerName }, now);
      if (!moved) throw new SettlementStatementTransitionException(id, statement.status, step.label, step.from);
      if (action === 'approve') {
        const receivableFen = statement.receivableFen + statement.reversalPayableFen;
        const payableFen = statement.payableFen + statement.reversalReceivableFen;
        await this.outbox.write(tx, [
          createEvent(
            'settlement.statement-approved',
            1,
            statement.id,
            {
              statementId: statement.id,
              periodId: statement.periodId,
              partyType: statement.partyType,
              partyId: statement.unitId ?? statement.regionCode,
              receivableFen,
              payableFen,
              netFen: receivableFen - payableFen,
              mealCount: statement.payableCount + statement.receivableCount,
              approvedAt: now.toISOString(),
              approvedBy: scope.officerId,
            },
            { occurredAt: now },
          ),
        ]);
      }
      const updated = await this.repository.findStatement(id, tx);
      if (!updated) throw new SettlementStatementNotFoundException(id);
      return updated;
    });
  }

  canConfirm(scope: SettlementScope, statement: StatementRecord): boolean {
    return scope.kind === 'region' && isInScope(scope, statement.regionCode);
  }
}
