import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Principal } from '@meal/auth';
import { createEvent, EventEnvelope } from '@meal/contracts';
import { OutboxWriter } from '@meal/kafka';
import { DayFigures, PeriodRowInput, SettlementCloseRepository, SettlementCloseTx } from './settlement-close.repository';
import { closableFrom, daysBetween, isClosable, parsePeriodKey, PeriodRef } from './settlement-period';
import { SETTLEMENT_CLOCK, SettlementClock } from './settlement.clock';
import { SettlementClearingRoleRequiredException, SettlementPeriodNotFoundException, SettlementPeriodNotOverException } from './settlement.exceptions';
import { PeriodRecord, SettlementRepository } from './settlement.repository';
import { SettlementScopeResolver } from './settlement-scope';

/** At most this many statement ids go into one `settlement.period-closed` event (the contract's limit). */
const MAX_EVENT_STATEMENT_IDS = 10_000;

export interface CloseResult {
  /** True when the period was already closed (by an earlier or a concurrent call): nothing was changed. */
  alreadyClosed: boolean;
  period: PeriodRecord;
  /** Day periods this call closed (a month close also closes its open days). */
  daysClosed: string[];
}

/** Who closes: a staff member through the API, or a named system job (the benchmark). */
export interface Closer {
  id: string | null;
  name: string;
}

/**
 * 关账: closes a day or a month. Every close runs under one advisory lock in one repeatable-read transaction
 * (SettlementCloseRepository), so it is idempotent and safe to run twice or concurrently: the second caller waits,
 * then finds the period closed and returns it unchanged (`alreadyClosed`). Daily periods roll up into the month:
 * closing a month first closes its still-open days (all in the same pass over the meals), then draws up one
 * statement per unit and per district from the month's ledger entries. The `settlement.period-closed` events are
 * written to the outbox in the same transaction.
 */
@Injectable()
export class SettlementCloseService {
  private readonly logger = new Logger(SettlementCloseService.name);

  constructor(
    private readonly closeRepository: SettlementCloseRepository,
    private readonly repository: SettlementRepository,
    private readonly scopes: SettlementScopeResolver,
    private readonly outbox: OutboxWriter,
    @Inject(SETTLEMENT_CLOCK) private readonly clock: SettlementClock,
  ) {}

  /** POST /settlement/periods/:key/close — clearing-company officers only. */
  async closeForPrincipal(principal: Principal, key: string): Promise<CloseResult> {
    const scope = await this.scopes.resolve(principal);
    if (scope.kind !== 'clearing') throw new SettlementClearingRoleRequiredException('关账');
    return this.close(key, { id: principal.subject, name: principal.name });
  }

  async close(key: string, closer: Closer): Promise<CloseResult> {
    const period = parsePeriodKey(key);
    if (!period) throw new SettlementPeriodNotFoundException(key);
    const now = this.clock.now();
    if (!isClosable(period, now)) throw new SettlementPeriodNotOverException(key, closableFrom(period));
    const started = Date.now();
    const result = await this.closeRepository.withCloseLock((tx) => this.closeLocked(tx, period, closer, now));
    if (!result.alreadyClosed) {
      this.logger.log(`closed ${period.kind} ${key} (${result.daysClosed.length} day(s)) in ${Date.now() - started} ms: ${result.period.unitPaidCount} unit-paid meals`);
    }
    return result;
  }

  private async closeLocked(tx: SettlementCloseTx, period: PeriodRef, closer: Closer, now: Date): Promise<Omit<CloseResult, 'period'> & { period: PeriodRecord }> {
    const existing = await this.repository.findPeriod(period.kind, period.start);
    if (existing) return { alreadyClosed: true, period: existing, daysClosed: [] };

    const days = daysBetween(period.start, period.end);
    const closedDays = new Set((await tx.existingPeriods('day', days)).map((p) => p.periodStart));
    const batch = days.filter((d) => !closedDays.has(d)).map((day) => ({ day, periodId: randomUUID() }));
    await tx.aggregate(batch, { start: period.start, end: period.end });
    await tx.buildLegs();
    const dayFigures = await tx.dayFigures();
    const dayRows: PeriodRowInput[] = dayFigures.map((f) => this.dayRow(f, closer, now));
    await tx.insertPeriods(dayRows);
    await tx.postBatch();
    if (period.kind === 'day') await tx.storeDayPairTotals();

    const events: EventEnvelope[] = dayFigures.map((f) =>
      createEvent(
        'settlement.period-closed',
        1,
        f.periodId,
        {
          periodId: f.periodId,
          periodStart: f.day,
          periodEnd: f.day,
          closedAt: now.toISOString(),
          closedBy: closer.id ?? 'system',
          mealCount: f.unitPaidCount,
          grossFen: f.unitPaidFen,
          statementIds: [],
        },
        { occurredAt: now },
      ),
    );

    let monthId: string | null = null;
    if (period.kind === 'month') {
      monthId = randomUUID();
      await tx.buildMonth(period.monthStart, monthId);
      const netting = await tx.monthNettingFromTemp();
      const sums = await tx.monthSums(period.monthStart);
      await tx.insertPeriods([
        {
          id: monthId,
          kind: 'month',
          start: period.start,
          end: period.end,
          monthStart: period.monthStart,
          closedAt: now,
          closedBy: closer.id,
          closedByName: closer.name,
          figures: {
            ...sums,
            unitBilateralPairs: netting.unitPairs,
            unitNetTransfers: netting.unitNets,
            districtBilateralPairs: netting.districtPairs,
            districtNetTransfers: netting.districtNets,
          },
          statementCount: netting.statements,
        },
      ]);
      const statements = await tx.writeMonth(now);
      events.push(
        createEvent(
          'settlement.period-closed',
          1,
          monthId,
          {
            periodId: monthId,
            periodStart: period.start,
            periodEnd: period.end,
            closedAt: now.toISOString(),
            closedBy: closer.id ?? 'system',
            mealCount: sums.unitPaidCount,
            grossFen: sums.unitPaidFen,
            statementIds: statements.slice(0, MAX_EVENT_STATEMENT_IDS).map((s) => s.id),
            statementCount: statements.length,
          },
          { occurredAt: now },
        ),
      );
    }
    await this.outbox.write(tx.executor, events);
    // Read on the close's own connection: the rows are not committed yet.
    const closed = await this.repository.findPeriod(period.kind, period.start, tx.executor);
    if (!closed) throw new Error(`period ${period.kind} ${period.start} was not written`);
    return { alreadyClosed: false, period: closed, daysClosed: batch.map((b) => b.day) };
  }

  private dayRow(f: DayFigures, closer: Closer, now: Date): PeriodRowInput {
    const { day, periodId, ...figures } = f;
    return { id: periodId, kind: 'day', start: day, end: day, monthStart: `${day.slice(0, 7)}-01`, closedAt: now, closedBy: closer.id, closedByName: closer.name, figures, statementCount: 0 };
  }
}
