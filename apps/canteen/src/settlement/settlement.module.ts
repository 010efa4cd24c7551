import { Module } from '@nestjs/common';
import { SETTLEMENT_CLOCK, systemSettlementClock } from './settlement.clock';
import { SettlementCloseRepository } from './settlement-close.repository';
import { SettlementCloseService } from './settlement-close.service';
import { SettlementPeriodsController, SettlementStatementsController } from './settlement.controller';
import { SettlementRepository } from './settlement.repository';
import { SettlementScopeResolver } from './settlement-scope';
import { SettlementService } from './settlement.service';

/**
 * 跨区域结算 through the clearing company (国资公司): the double-entry ledger, daily and monthly close, netting,
 * statements and their approval flow. Needs the TypeORM connection mapping SETTLEMENT_ENTITIES (and the meals and
 * organisation tables) and OutboxModule (global). Exports SETTLEMENT_CLOCK so a test app can pin the time, and the
 * close service (the benchmark drives it).
 */
@Module({
  controllers: [SettlementPeriodsController, SettlementStatementsController],
  providers: [
    { provide: SETTLEMENT_CLOCK, useValue: systemSettlementClock },
    SettlementRepository,
    SettlementCloseRepository,
    SettlementScopeResolver,
    SettlementCloseService,
    SettlementService,
  ],
  exports: [SETTLEMENT_CLOCK, SettlementCloseService, SettlementService],
})
export class SettlementModule {}
