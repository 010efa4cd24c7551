import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '@meal/auth';
import { PageRequest } from '@meal/organisation';
import { AuditRepository } from '../audit/audit.repository';
import { InspectorRepository } from '../inspectors/inspector.repository';
import { InspectorLeadRequiredException } from '../inspectors/inspectors.exceptions';
import { jurisdictionPrefixOf } from '../warnings/jurisdiction';
import { SnoozeNotFoundException } from './snoozes.exceptions';
import { SnoozeRepository, StoredSnooze } from './snooze.repository';

/** Listing and lifting snoozes; they are created from a case (CasesService.snooze). */
@Injectable()
export class SnoozesService {
  constructor(
    private readonly snoozes: SnoozeRepository,
    private readonly inspectors: InspectorRepository,
    private readonly audit: AuditRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  list(principal: Principal, activeOnly: boolean, page: PageRequest): Promise<{ items: StoredSnooze[]; total: number }> {
    return this.snoozes.list(jurisdictionPrefixOf(principal), activeOnly, page.pageSize, page.skip);
  }

  /** A lead lifts a snooze early; the model raises warnings for the subject again from now on. */
  async lift(id: string, principal: Principal): Promise<StoredSnooze> {
    return this.dataSource.transaction(async (sql) => {
      if (!(await this.inspectors.isLead(principal.subject, sql))) throw new InspectorLeadRequiredException('lift a snooze');
      const lifted = await this.snoozes.lift(sql, id, jurisdictionPrefixOf(principal), principal.subject);
      if (!lifted) throw new SnoozeNotFoundException(id);
      await this.audit.append(sql, [
        {
          caseId: lifted.caseId,
          actor: { id: principal.subject, name: principal.name },
          action: 'snooze.lifted',
          changes: { snoozedUntil: { from: lifted.until, to: null } },
          detail: { snoozeId: lifted.id, modelKey: lifted.modelKey, subjectId: lifted.subjectId },
        },
      ]);
      return lifted;
    });
  }
}
