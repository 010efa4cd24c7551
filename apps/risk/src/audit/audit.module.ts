import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository';

/** The append-only audit trail of the inspectors' console (risk_case_audit). Read per case through CasesController. */
@Module({ providers: [AuditRepository], exports: [AuditRepository] })
export class AuditModule {}
