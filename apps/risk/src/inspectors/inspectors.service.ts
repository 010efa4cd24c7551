import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '@meal/auth';
import { AuditRepository } from '../audit/audit.repository';
import { jurisdictionPrefixOf } from '../warnings/jurisdiction';
import { InspectorNotFoundException } from './inspectors.exceptions';
import { InspectorRepository, InspectorRow, LeadRow } from './inspector.repository';

/**
 * Inspectors and inspector leads (组长). A lead is an inspector with a row in risk_inspector_leads, granted by an
 * administrator; a lead assigns cases, closes them in bulk and snoozes models within their own jurisdiction.
 */
@Injectable()
export class InspectorsService {
  constructor(
    private readonly inspectors: InspectorRepository,
    private readonly audit: AuditRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The caller as an inspector, with the lead flag (a token's inspector whose staff row is gone counts as no lead). */
  async me(principal: Principal): Promise<{ id: string; name: string; regionCode: string | null; lead: boolean }> {
    return { id: principal.subject, name: principal.name, regionCode: principal.regionCode ?? null, lead: await this.inspectors.isLead(principal.subject) };
  }

  /** Inspectors whose jurisdiction lies inside the caller's (all of them for an administrator). */
  list(principal: Principal): Promise<InspectorRow[]> {
    return this.inspectors.listInspectors(jurisdictionPrefixOf(principal));
  }

  listLeads(): Promise<LeadRow[]> {
    return this.inspectors.listLeads();
  }

  async grantLead(staffId: string, principal: Principal): Promise<InspectorRow> {
    return this.dataSource.transaction(async (sql) => {
      const inspector = await this.inspectors.findInspector(staffId, sql);
      if (!inspector) throw new InspectorNotFoundException(staffId);
      if (await this.inspectors.grantLead(sql, staffId, principal.subject)) {
        await this.audit.append(sql, [
          { caseId: null, actor: { id: principal.subject, name: principal.name }, action: 'lead.granted', changes: { lead: { from: false, to: true } }, detail: { staffId, name: inspector.name } },
        ]);
      }
      return { ...inspector, lead: true };
    });
  }

  async revokeLead(staffId: string, principal: Principal): Promise<void> {
    await this.dataSource.transaction(async (sql) => {
      if (!(await this.inspectors.revokeLead(sql, staffId))) throw new InspectorNotFoundException(staffId);
      await this.audit.append(sql, [{ caseId: null, actor: { id: principal.subject, name: principal.name }, action: 'lead.revoked', changes: { lead: { from: true, to: false } }, detail: { staffId } }]);
    });
  }
}
