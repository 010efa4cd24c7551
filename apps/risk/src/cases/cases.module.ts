import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { InspectorsModule } from '../inspectors/inspectors.module';
import { SnoozesModule } from '../snoozes/snoozes.module';
import { CaseFileService } from './case-file.service';
import { CaseRepository } from './case.repository';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

/**
 * Cases (线索): warnings of one subject and model grouped while open, and the inspectors' workflow on them
 * (take next, assign, investigate, close, reopen, notes, attachments, snooze, bulk, exports), audited.
 */
@Module({
  imports: [AuditModule, InspectorsModule, SnoozesModule],
  controllers: [CasesController],
  providers: [CaseRepository, CasesService, CaseFileService],
  exports: [CaseRepository],
})
export class CasesModule {}
