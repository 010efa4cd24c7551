import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CloseResult } from '../settlement-close.service';
import { CounterpartyLine, NetPosition, PeriodRecord, StatementLine, StatementRecord } from '../settlement.repository';
import { NetsResult, PeriodOverviewItem } from '../settlement.service';

/** The frozen figures of a closed period (amounts in fen). */
export class PeriodDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['day', 'month'] }) kind!: string;
  @ApiProperty({ example: '2025-11' }) key!: string;
  @ApiProperty({ example: '2025-11-01' }) periodStart!: string;
  @ApiProperty({ example: '2025-11-30' }) periodEnd!: string;
  @ApiProperty({ format: 'date-time' }) closedAt!: string;
  @ApiProperty() closedByName!: string;
  @ApiProperty({ description: '公务结算笔数' }) unitPaidCount!: number;
  @ApiProperty({ description: '公务结算金额（分）' }) unitPaidFen!: number;
  @ApiProperty({ description: '个人支付笔数（食堂已收）' }) selfPaidCount!: number;
  @ApiProperty() selfPaidFen!: number;
  @ApiProperty({ description: '关账前已作废、不入账的就餐' }) voidedExcludedCount!: number;
  @ApiProperty({ description: '本期冲正（关账后作废）笔数，公务结算' }) reversalCount!: number;
  @ApiProperty() reversalFen!: number;
  @ApiProperty() selfReversalCount!: number;
  @ApiProperty() selfReversalFen!: number;
  @ApiProperty({ description: '单位间双边应付关系（轧差前的划转笔数）' }) unitBilateralPairs!: number;
  @ApiProperty({ description: '轧差后单位净额划转笔数' }) unitNetTransfers!: number;
  @ApiProperty() districtBilateralPairs!: number;
  @ApiProperty() districtNetTransfers!: number;
  @ApiProperty() statementCount!: number;

  static of(p: PeriodRecord): PeriodDto {
    return {
      id: p.id,
      kind: p.kind,
      key: p.kind === 'month' ? p.periodStart.slice(0, 7) : p.periodStart,
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
      closedAt: p.closedAt.toISOString(),
      closedByName: p.closedByName,
      unitPaidCount: p.unitPaidCount,
      unitPaidFen: p.unitPaidFen,
      selfPaidCount: p.selfPaidCount,
      selfPaidFen: p.selfPaidFen,
      voidedExcludedCount: p.voidedExcludedCount,
      reversalCount: p.reversalCount,
      reversalFen: p.reversalFen,
      selfReversalCount: p.selfReversalCount,
      selfReversalFen: p.selfReversalFen,
      unitBilateralPairs: p.unitBilateralPairs,
      unitNetTransfers: p.unitNetTransfers,
      districtBilateralPairs: p.districtBilateralPairs,
      districtNetTransfers: p.districtNetTransfers,
      statementCount: p.statementCount,
    };
  }
}

export class CloseResponseDto {
  @ApiProperty({ description: 'true: already closed (earlier or concurrently); nothing changed' }) alreadyClosed!: boolean;
  @ApiProperty({ type: [String], description: 'the day periods this call closed' }) daysClosed!: string[];
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;

  static of(r: CloseResult): CloseResponseDto {
    return { alreadyClosed: r.alreadyClosed, daysClosed: r.daysClosed, period: PeriodDto.of(r.period) };
  }
}

export class PeriodOverviewItemDto {
  @ApiProperty() key!: string;
  @ApiProperty({ enum: ['day', 'month'] }) kind!: string;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
  @ApiProperty() closed!: boolean;
  @ApiProperty({ description: 'open and over: may be closed now' }) closable!: boolean;
  @ApiProperty({ format: 'date-time' }) closableFrom!: string;
  @ApiPropertyOptional({ type: PeriodDto, nullable: true }) period!: PeriodDto | null;
  @ApiProperty({ description: '未关账：当前公务结算笔数' }) openUnitPaidCount!: number;
  @ApiProperty() openUnitPaidFen!: number;

  static of(i: PeriodOverviewItem): PeriodOverviewItemDto {
    return {
      key: i.key,
      kind: i.kind,
      start: i.start,
      end: i.end,
      closed: i.closed,
      closable: i.closable,
      closableFrom: i.closableFrom.toISOString(),
      period: i.record ? PeriodDto.of(i.record) : null,
      openUnitPaidCount: i.openUnitPaidCount,
      openUnitPaidFen: i.openUnitPaidFen,
    };
  }
}

export class MonthOverviewDto {
  @ApiProperty({ type: PeriodOverviewItemDto }) month!: PeriodOverviewItemDto;
  @ApiProperty({ type: [PeriodOverviewItemDto] }) days!: PeriodOverviewItemDto[];
}

export class NetPositionDto {
  @ApiProperty({ enum: ['unit', 'region'] }) partyType!: string;
  @ApiProperty({ description: 'unit id or region code' }) partyId!: string;
  @ApiProperty() partyName!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() districtCode!: string;
  @ApiProperty({ description: '应付（分，含冲正扣减应收）' }) payableFen!: number;
  @ApiProperty({ description: '应收（分，含冲正退回应付）' }) receivableFen!: number;
  @ApiProperty({ description: '净额：> 0 国资公司付给该方，< 0 该方付给国资公司' }) netFen!: number;
  @ApiProperty() mealCount!: number;

  static of(p: NetPosition): NetPositionDto {
    return { ...p };
  }
}

export class NetsResponseDto {
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ enum: ['unit', 'region'] }) level!: string;
  @ApiProperty({ type: [NetPositionDto] }) positions!: NetPositionDto[];
  @ApiProperty({ description: 'positions in scope (the list may be cut at `limit`)' }) total!: number;
  @ApiProperty({ description: 'sum of the net positions in scope: 0 for the whole period' }) sumOfNetFen!: number;
  @ApiProperty({ description: '轧差前：有非零债务的双边关系数' }) bilateralPairs!: number;
  @ApiProperty({ description: '轧差后：非零净额的划转数' }) netTransfers!: number;
  @ApiProperty({ description: '轧差节省的划转笔数 = bilateralPairs - netTransfers' }) transfersSaved!: number;

  static of(r: NetsResult): NetsResponseDto {
    return {
      period: PeriodDto.of(r.period),
      level: r.level,
      positions: r.positions.map(NetPositionDto.of),
      total: r.total,
      sumOfNetFen: r.sumOfNetFen,
      bilateralPairs: r.bilateralPairs,
      netTransfers: r.netTransfers,
      transfersSaved: r.transfersSaved,
    };
  }
}

export class StatementDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) periodId!: string;
  @ApiProperty({ example: '2025-11' }) month!: string;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty({ enum: ['unit', 'region'] }) partyType!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) unitId!: string | null;
  @ApiProperty() regionCode!: string;
  @ApiProperty() districtCode!: string;
  @ApiProperty() partyName!: string;
  @ApiProperty() payableCount!: number;
  @ApiProperty() payableFen!: number;
  @ApiProperty() receivableCount!: number;
  @ApiProperty() receivableFen!: number;
  @ApiProperty() reversalPayableCount!: number;
  @ApiProperty() reversalPayableFen!: number;
  @ApiProperty() reversalReceivableCount!: number;
  @ApiProperty() reversalReceivableFen!: number;
  @ApiProperty() selfCollectedCount!: number;
  @ApiProperty() selfCollectedFen!: number;
  @ApiProperty({ description: '轧差净额（分）' }) netFen!: number;
  @ApiProperty({ enum: ['prepared', 'approved', 'paid', 'confirmed'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) preparedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) approvedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) approvedByName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) paidAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) paidByName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) confirmedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) confirmedByName!: string | null;

  static of(s: StatementRecord): StatementDto {
    return {
      id: s.id,
      periodId: s.periodId,
      month: s.periodStart.slice(0, 7),
      periodStart: s.periodStart,
      periodEnd: s.periodEnd,
      partyType: s.partyType,
      unitId: s.unitId,
      regionCode: s.regionCode,
      districtCode: s.districtCode,
      partyName: s.partyName,
      payableCount: s.payableCount,
      payableFen: s.payableFen,
      receivableCount: s.receivableCount,
      receivableFen: s.receivableFen,
      reversalPayableCount: s.reversalPayableCount,
      reversalPayableFen: s.reversalPayableFen,
      reversalReceivableCount: s.reversalReceivableCount,
      reversalReceivableFen: s.reversalReceivableFen,
      selfCollectedCount: s.selfCollectedCount,
      selfCollectedFen: s.selfCollectedFen,
      netFen: s.netFen,
      status: s.status,
      preparedAt: s.preparedAt.toISOString(),
      approvedAt: s.approvedAt?.toISOString() ?? null,
      approvedByName: s.approvedByName,
      paidAt: s.paidAt?.toISOString() ?? null,
      paidByName: s.paidByName,
      confirmedAt: s.confirmedAt?.toISOString() ?? null,
      confirmedByName: s.confirmedByName,
    };
  }
}

export class StatementsPageDto {
  @ApiProperty({ type: [StatementDto] }) items!: StatementDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class CounterpartyDto {
  @ApiProperty({ enum: ['payable', 'receivable'] }) direction!: string;
  @ApiProperty() counterpartyId!: string;
  @ApiProperty() counterpartyName!: string;
  @ApiProperty() mealCount!: number;
  @ApiProperty() amountFen!: number;
  @ApiProperty() reversalCount!: number;
  @ApiProperty() reversalFen!: number;

  static of(c: CounterpartyLine): CounterpartyDto {
    return { ...c };
  }
}

export class StatementDetailDto {
  @ApiProperty({ type: StatementDto }) statement!: StatementDto;
  @ApiProperty({ type: [CounterpartyDto] }) counterparties!: CounterpartyDto[];
  @ApiProperty({ description: 'the caller may confirm it (its own unit/district officer, status paid)' }) canConfirm!: boolean;
}

export class StatementLineDto {
  @ApiProperty({ enum: ['meal', 'reversal'], description: 'meal 就餐 / reversal 冲正（关账后作废）' }) kind!: string;
  @ApiProperty({ enum: ['payable', 'receivable'] }) direction!: string;
  @ApiProperty({ format: 'uuid' }) mealId!: string;
  @ApiProperty() mealDate!: string;
  @ApiProperty({ enum: ['breakfast', 'lunch', 'dinner'] }) slot!: string;
  @ApiProperty({ format: 'date-time' }) scannedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) voidedAt!: string | null;
  @ApiProperty() dinerName!: string;
  @ApiProperty() dinerUnitName!: string;
  @ApiProperty() canteenName!: string;
  @ApiProperty() ownerUnitName!: string;
  @ApiProperty() priceFen!: number;
  @ApiProperty({ description: 'price, negative for a reversal' }) amountFen!: number;

  static of(l: StatementLine): StatementLineDto {
    return { ...l, scannedAt: l.scannedAt.toISOString(), voidedAt: l.voidedAt?.toISOString() ?? null };
  }
}

export class StatementLinesPageDto {
  @ApiProperty({ type: [StatementLineDto] }) items!: StatementLineDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
