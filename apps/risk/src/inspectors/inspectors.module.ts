import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { InspectorRepository } from './inspector.repository';
import { InspectorsController } from './inspectors.controller';
import { InspectorsService } from './inspectors.service';

/** Inspectors (staff with an inspector role assignment) and inspector leads (risk_inspector_leads). */
@Module({
  imports: [AuditModule],
  controllers: [InspectorsController],
  providers: [InspectorRepository, InspectorsService],
  exports: [InspectorRepository],
})
export class InspectorsModule {}
