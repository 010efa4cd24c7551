import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { InspectorsModule } from '../inspectors/inspectors.module';
import { SnoozeRepository } from './snooze.repository';
import { SnoozesController } from './snoozes.controller';
import { SnoozesService } from './snoozes.service';

/** Snoozes of a model for one subject (risk_snoozes); the evaluator checks them before opening or extending a case. */
@Module({
  imports: [AuditModule, InspectorsModule],
  controllers: [SnoozesController],
  providers: [SnoozeRepository, SnoozesService],
  exports: [SnoozeRepository],
})
export class SnoozesModule {}
