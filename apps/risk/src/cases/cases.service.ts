import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isRegionWithin, Principal, regionPrefix } from '@meal/auth';
import { PageRequest } from '@meal/organisation';
import { AuditRepository } from '../audit/audit.repository';
import { AuditActor, FieldChange, NewAuditEntry, StoredAuditEntry } from '../audit/audit.types';
import { SqlRunner } from '../facts/fact.repository';
import { InspectorRepository } from '../inspectors/inspector.repository';
import { InspectorLeadRequiredException } from '../inspectors/inspectors.exceptions';
import { SnoozeRepository, StoredSnooze } from '../snoozes/snooze.repository';
import { jurisdictionPrefixOf } from '../warnings/jurisdiction';
import { CaseAction, CaseResolution, decide } from './case-workflow';
import { CaseAttachmentRow, CaseFilter, CaseNoteRow, CaseRepository, StoredCase } from './case.repository';
import {
  AttachmentRejectedException,
  CaseAssigneeNotEligibleException,
  CaseNotFoundException,
  CaseQueueEmptyException,
  CaseReopenConflictException,
  CaseTransitionNotAllowedException,
  NotCaseAssigneeException,
  SnoozeExistsException,
  SnoozeUntilInvalidException,
} from './cases.exceptions';
import { AddAttachmentDto, BulkCaseActionDto, CaseFilterQueryDto } from './dto/case.dto';

export const ATTACHMENT_MAX_BYTES = 512 * 1024;
/** Allowed attachment types and the leading bytes their content must start with (none for text). */
const ATTACHMENT_TYPES: Record<string, number[] | null> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46],
  'image/png': [0x89, 0x50, 0x4e, 0x47],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'text/plain': null,
  'text/csv': null,
};
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SNOOZE_MAX_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Today in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday(now = Date.now()): string {
  return new Date(now + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

const actorOf = (principal: Principal): AuditActor => ({ id: principal.subject, name: principal.name });

/** The fields of a case a transition changed, as `{ from, to }`. */
function diff(before: StoredCase, after: { status: string; assigneeId: string | null; resolution: string | null }): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  if (before.status !== after.status) changes.status = { from: before.status, to: after.status };
  if (before.assigneeId !== after.assigneeId) changes.assigneeId = { from: before.assigneeId, to: after.assigneeId };
  if (before.resolution !== after.resolution) changes.resolution = { from: before.resolution, to: after.resolution };
  return changes;
}

/**
 * The case workflow of the inspectors' console. Every read and write is limited to the caller's jurisdiction: a case
 * outside it is answered as not found. Every change takes the case's row lock, checks the workflow rules and writes
 * one audit entry per case in the same transaction — nothing is stored half-way.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly inspectors: InspectorRepository,
    private readonly snoozes: SnoozeRepository,
    private readonly audit: AuditRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The repository filter of a query within the caller's jurisdiction. */
  filterOf(query: CaseFilterQueryDto, principal: Principal): CaseFilter {
    return {
      jurisdictionPrefix: jurisdictionPrefixOf(principal),
      regionPrefix: query.regionCode ? regionPrefix(query.regionCode) : undefined,
      status: query.status,
      resolution: query.resolution,
      model: query.model,
      severity: query.severity,
      subjectType: query.subjectType,
      unitId: query.unitId,
      assignee: query.assignee === 'me' ? principal.subject : query.assignee,
      from: query.from,
      to: query.to,
      sort: query.sort,
      order: query.order,
    };
  }

  list(query: CaseFilterQueryDto, principal: Principal, page: PageRequest): Promise<{ items: StoredCase[]; total: number }> {
    return this.cases.list(this.filterOf(query, principal), page.pageSize, page.skip);
  }

  /** A case in the caller's jurisdiction, or 404 CASE_NOT_FOUND. */
  async get(id: string, principal: Principal, sql: SqlRunner = this.dataSource): Promise<StoredCase> {
    const kase = await this.cases.find(sql, id, jurisdictionPrefixOf(principal));
    if (!kase) throw new CaseNotFoundException(id);
    return kase;
  }

  async auditTrail(id: string, principal: Principal): Promise<StoredAuditEntry[]> {
    await this.get(id, principal);
    return this.audit.listForCase(id);
  }

  /** Takes the next new case of the jurisdiction (most severe, oldest first) for the caller; concurrent callers never collide. */
  async takeNext(principal: Principal, model: string | undefined): Promise<StoredCase> {
    const prefix = jurisdictionPrefixOf(principal);
    if (prefix === undefined || prefix === 'none') throw new CaseQueueEmptyException();
    return this.dataSource.transaction(async (sql) => {
      const taken = await this.cases.takeNext(sql, prefix, principal.subject, model);
      if (!taken) throw new CaseQueueEmptyException();
      await this.audit.append(sql, [
        { caseId: taken.id, actor: actorOf(principal), action: 'case.taken', changes: diff({ ...taken, status: 'new', assigneeId: null }, taken), detail: model ? { model } : {} },
      ]);
      return taken;
    });
  }

  /** Takes one particular new case for the caller (the row lock makes a concurrent second taker get 409). */
  take(id: string, principal: Principal): Promise<StoredCase> {
    return this.transition(id, 'take', principal, {});
  }

  assign(id: string, assigneeId: string, principal: Principal): Promise<StoredCase> {
    return this.transition(id, 'assign', principal, { assigneeId });
  }

  start(id: string, principal: Principal): Promise<StoredCase> {
    return this.transition(id, 'start', principal, {});
  }

  close(id: string, resolution: CaseResolution, reason: string, principal: Principal): Promise<StoredCase> {
    return this.transition(id, 'close', principal, { resolution, reason });
  }

  reopen(id: string, reason: string, principal: Principal): Promise<StoredCase> {
    return this.transition(id, 'reopen', principal, { reason });
  }

  /** Assigns or closes several cases at once (lead): all or nothing, in one transaction. */
  async bulk(dto: BulkCaseActionDto, principal: Principal): Promise<StoredCase[]> {
    return this.dataSource.transaction(async (sql) => {
      if (!(await this.inspectors.isLead(principal.subject, sql))) throw new InspectorLeadRequiredException(`${dto.action} cases in bulk`);
      const locked = await this.cases.lockMany(sql, dto.caseIds, jurisdictionPrefixOf(principal));
      const missing = dto.caseIds.find((id) => !locked.some((c) => c.id === id));
      if (missing) throw new CaseNotFoundException(missing);
      const bulkId = createHash('sha256').update(`${principal.subject}:${Date.now()}:${dto.caseIds.join(',')}`).digest('hex').slice(0, 16);
      const results: StoredCase[] = [];
      for (const kase of locked) {
        const params = dto.action === 'assign' ? { assigneeId: dto.assigneeId } : { resolution: dto.resolution, reason: dto.reason };
        results.push(await this.applyLocked(sql, kase, dto.action, principal, true, params, { bulkId, bulkSize: dto.caseIds.length }));
      }
      const order = new Map(dto.caseIds.map((id, i) => [id, i]));
      return results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    });
  }

  private async transition(id: string, action: CaseAction, principal: Principal, params: { assigneeId?: string; resolution?: CaseResolution; reason?: string }): Promise<StoredCase> {
    return this.dataSource.transaction(async (sql) => {
      const kase = await this.cases.find(sql, id, jurisdictionPrefixOf(principal), true);
      if (!kase) throw new CaseNotFoundException(id);
      const lead = await this.inspectors.isLead(principal.subject, sql);
      return this.applyLocked(sql, kase, action, principal, lead, params, {});
    });
  }

  /** Decides and writes one transition of a locked case, with its audit entry. */
  private async applyLocked(
    sql: SqlRunner,
    kase: StoredCase,
    action: CaseAction,
    principal: Principal,
    lead: boolean,
    params: { assigneeId?: string; resolution?: CaseResolution; reason?: string },
    detail: Record<string, unknown>,
  ): Promise<StoredCase> {
    const decision = decide(action, kase, { id: principal.subject, lead }, params.assigneeId);
    if (!decision.ok) {
      if (decision.reason === 'lead-required') throw new InspectorLeadRequiredException(`${action} case ${kase.id}`);
      if (decision.reason === 'not-assignee') throw new NotCaseAssigneeException(kase.id, action);
      throw new CaseTransitionNotAllowedException(kase.id, action, kase.status);
    }
    let assigneeName: string | undefined;
    if (action === 'assign') {
      const assignee = await this.inspectors.findInspector(decision.assigneeId as string, sql);
      if (!assignee || !isRegionWithin(assignee.regionCode, kase.regionCode)) throw new CaseAssigneeNotEligibleException(decision.assigneeId as string, kase.id);
      assigneeName = assignee.name;
    }
    if (action === 'reopen') {
      const other = await this.cases.otherOpenCase(sql, kase);
      if (other) throw new CaseReopenConflictException(kase.id, other);
    }
    const after = { status: decision.status, assigneeId: decision.assigneeId, resolution: action === 'close' ? (params.resolution ?? null) : null };
    await this.cases.applyTransition(sql, kase.id, { ...after, assignedNow: action === 'assign' || action === 'take' });
    const entry: NewAuditEntry = {
      caseId: kase.id,
      actor: actorOf(principal),
      action: ({ take: 'case.taken', assign: 'case.assigned', start: 'case.started', close: 'case.closed', reopen: 'case.reopened' } as const)[action],
      changes: diff(kase, after),
      detail: { ...detail, ...(params.reason ? { reason: params.reason } : {}), ...(assigneeName ? { assigneeName } : {}) },
    };
    await this.audit.append(sql, [entry]);
    return (await this.cases.find(sql, kase.id, undefined)) as StoredCase;
  }

  /** Whether the caller may add notes, attachments (the assignee or a lead). */
  private async assertMayAnnotate(sql: SqlRunner, kase: StoredCase, principal: Principal, what: string): Promise<void> {
    if (kase.assigneeId === principal.subject) return;
    if (await this.inspectors.isLead(principal.subject, sql)) return;
    throw new NotCaseAssigneeException(kase.id, what);
  }

  async addNote(id: string, body: string, principal: Principal): Promise<CaseNoteRow> {
    return this.dataSource.transaction(async (sql) => {
      const kase = await this.cases.find(sql, id, jurisdictionPrefixOf(principal), true);
      if (!kase) throw new CaseNotFoundException(id);
      await this.assertMayAnnotate(sql, kase, principal, 'add a note to');
      const note = await this.cases.insertNote(sql, id, principal.subject, principal.name, body);
      await this.cases.touch(sql, id);
      await this.audit.append(sql, [{ caseId: id, actor: actorOf(principal), action: 'case.note-added', detail: { noteId: note.id, length: body.length } }]);
      return note;
    });
  }

  async addAttachment(id: string, dto: AddAttachmentDto, principal: Principal): Promise<CaseAttachmentRow> {
    const magic = ATTACHMENT_TYPES[dto.contentType];
    if (magic === undefined) {
      throw new AttachmentRejectedException('ATTACHMENT_TYPE_NOT_ALLOWED', `Attachments may be ${Object.keys(ATTACHMENT_TYPES).join(', ')}`, 'contentType');
    }
    if (!BASE64.test(dto.contentBase64)) throw new AttachmentRejectedException('ATTACHMENT_INVALID', 'contentBase64 is not valid base64', 'contentBase64');
    const content = Buffer.from(dto.contentBase64, 'base64');
    if (content.length === 0) throw new AttachmentRejectedException('ATTACHMENT_INVALID', 'The attachment is empty', 'contentBase64');
    if (content.length > ATTACHMENT_MAX_BYTES) {
      throw new AttachmentRejectedException('ATTACHMENT_TOO_LARGE', `Attachments may be at most ${ATTACHMENT_MAX_BYTES} bytes (got ${content.length})`, 'contentBase64');
    }
    if (magic && !magic.every((byte, i) => content[i] === byte)) {
      throw new AttachmentRejectedException('ATTACHMENT_TYPE_NOT_ALLOWED', `The content is not ${dto.contentType}`, 'contentType');
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    return this.dataSource.transaction(async (sql) => {
      const kase = await this.cases.find(sql, id, jurisdictionPrefixOf(principal), true);
      if (!kase) throw new CaseNotFoundException(id);
      await this.assertMayAnnotate(sql, kase, principal, 'attach a file to');
      const row = await this.cases.insertAttachment(sql, {
        caseId: id,
        fileName: dto.fileName,
        contentType: dto.contentType,
        content,
        sha256,
        uploadedBy: principal.subject,
        uploadedByName: principal.name,
      });
      await this.cases.touch(sql, id);
      await this.audit.append(sql, [
        { caseId: id, actor: actorOf(principal), action: 'case.attachment-added', detail: { attachmentId: row.id, fileName: row.fileName, contentType: row.contentType, sizeBytes: row.sizeBytes, sha256 } },
      ]);
      return row;
    });
  }

  async attachmentContent(id: string, attachmentId: string, principal: Principal): Promise<{ fileName: string; contentType: string; content: Buffer } | undefined> {
    await this.get(id, principal);
    return this.cases.attachmentContent(id, attachmentId);
  }

  /**
   * Snoozes the case's model for its subject until a day (lead): the evaluator then neither opens nor extends a
   * case of that model and subject (it counts the warnings it drops on the snooze). An expired snooze is retired.
   */
  async snooze(id: string, reason: string, until: string, principal: Principal): Promise<StoredSnooze> {
    return this.dataSource.transaction(async (sql) => {
      // the case first: outside the jurisdiction it does not exist, whatever the body says
      const kase = await this.cases.find(sql, id, jurisdictionPrefixOf(principal), true);
      if (!kase) throw new CaseNotFoundException(id);
      if (!(await this.inspectors.isLead(principal.subject, sql))) throw new InspectorLeadRequiredException('snooze a model');
      const today = shanghaiToday();
      const untilMs = Date.parse(`${until}T00:00:00Z`);
      if (Number.isNaN(untilMs) || new Date(untilMs).toISOString().slice(0, 10) !== until) throw new SnoozeUntilInvalidException(`until ${until} is not a calendar date`);
      if (until < today) throw new SnoozeUntilInvalidException(`until ${until} is in the past (today is ${today})`);
      if ((untilMs - Date.parse(`${today}T00:00:00Z`)) / DAY_MS > SNOOZE_MAX_DAYS) throw new SnoozeUntilInvalidException(`until may be at most ${SNOOZE_MAX_DAYS} days ahead`);
      const existing = await this.snoozes.findUnlifted(sql, kase.modelKey, kase.subjectType, kase.subjectId);
      const entries: NewAuditEntry[] = [];
      if (existing?.active) throw new SnoozeExistsException(existing.id);
      if (existing) await this.snoozes.lift(sql, existing.id, undefined, principal.subject);
      const snooze = await this.snoozes.insert(sql, {
        modelKey: kase.modelKey,
        subjectType: kase.subjectType,
        subjectId: kase.subjectId,
        subjectName: kase.subjectName,
        regionCode: kase.regionCode,
        caseId: kase.id,
        reason,
        until,
        createdBy: principal.subject,
        createdByName: principal.name,
      });
      entries.push({
        caseId: kase.id,
        actor: actorOf(principal),
        action: 'case.snoozed',
        changes: { snoozedUntil: { from: null, to: until } },
        detail: { snoozeId: snooze.id, reason, modelKey: kase.modelKey, subjectId: kase.subjectId, ...(existing ? { retiredSnoozeId: existing.id } : {}) },
      });
      await this.audit.append(sql, entries);
      return snooze;
    });
  }

  /** Records that a case file left the system (CSV export of one case). */
  async recordExport(kase: StoredCase, principal: Principal, format: string): Promise<void> {
    await this.audit.append(this.dataSource, [{ caseId: kase.id, actor: actorOf(principal), action: 'case.exported', detail: { format } }]);
  }
}
