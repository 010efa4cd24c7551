import { Injectable } from '@nestjs/common';
import { Principal } from '@meal/auth';
import { AuditRepository } from '../audit/audit.repository';
import { InspectorRepository } from '../inspectors/inspector.repository';
import { WARNING_MODELS } from '../models/warning-model.registry';
import { SnoozeRepository } from '../snoozes/snooze.repository';
import { buildCaseViews } from './case-evidence';
import { CASE_LIST_HEADER, caseListRow, csvLine, SEVERITY_LABELS } from './case-csv';
import { decide } from './case-workflow';
import { CaseRepository, StoredCase } from './case.repository';
import { CasesService } from './cases.service';
import { CaseDetailDto, CaseFilterQueryDto } from './dto/case.dto';

/** Chinese model titles by key, from the registry (unknown keys shown as they are). */
export function modelTitle(key: string): string {
  return WARNING_MODELS.find((m) => m.key === key)?.title ?? key;
}

export const EXPORT_MAX_ROWS = 50_000;

/** The case detail (explanation, evidence timeline, map, graph, notes, attachments) and the exports. */
@Injectable()
export class CaseFileService {
  constructor(
    private readonly service: CasesService,
    private readonly cases: CaseRepository,
    private readonly inspectors: InspectorRepository,
    private readonly snoozes: SnoozeRepository,
    private readonly audit: AuditRepository,
  ) {}

  async detail(id: string, principal: Principal): Promise<CaseDetailDto> {
    const kase = await this.service.get(id, principal);
    const [warnings, notes, attachments, snoozes, lead] = await Promise.all([
      this.cases.warnings(id),
      this.cases.notes(id),
      this.cases.attachments(id),
      this.snoozes.forSubject(kase.modelKey, kase.subjectType, kase.subjectId),
      this.inspectors.isLead(principal.subject),
    ]);
    const views = buildCaseViews(kase.modelKey, warnings);
    const actor = { id: principal.subject, lead };
    const may = (action: 'take' | 'start' | 'close' | 'reopen'): boolean => decide(action, kase, actor).ok;
    const assignee = kase.assigneeId === principal.subject;
    return {
      case: kase,
      modelTitle: modelTitle(kase.modelKey),
      warnings: warnings.map(({ evidence: _evidence, ...w }) => w),
      ...views,
      notes,
      attachments,
      snoozes: snoozes.map((s) => ({ id: s.id, reason: s.reason, until: s.until, createdByName: s.createdByName, active: s.active, suppressedCount: s.suppressedCount })),
      permissions: {
        lead,
        assignee,
        canTake: may('take'),
        canAssign: lead && kase.status !== 'closed',
        canStart: may('start'),
        canClose: may('close'),
        canReopen: may('reopen'),
        canAnnotate: lead || assignee,
        canSnooze: lead,
      },
    };
  }

  /** The filtered queue as CSV (at most EXPORT_MAX_ROWS rows), within the jurisdiction. */
  async listCsv(query: CaseFilterQueryDto, principal: Principal): Promise<string> {
    const parts: string[] = [csvLine(CASE_LIST_HEADER)];
    await this.cases.forEachCase(this.service.filterOf(query, principal), EXPORT_MAX_ROWS, (rows) => {
      for (const row of rows) parts.push(csvLine(caseListRow(row, modelTitle)));
    });
    return parts.join('');
  }

  /** One case file as CSV: the case, its warnings, the evidence timeline, notes, attachments and the audit trail. Audited. */
  async caseFileCsv(id: string, principal: Principal): Promise<{ kase: StoredCase; csv: string }> {
    const detail = await this.detail(id, principal);
    const kase = detail.case as StoredCase;
    const trail = await this.audit.listForCase(id);
    const out: string[] = [];
    const section = (title: string, header: string[], rows: unknown[][]): void => {
      out.push(csvLine([`【${title}】`]), csvLine(header), ...rows.map(csvLine), '\r\n');
    };
    section('线索', CASE_LIST_HEADER, [caseListRow(kase, modelTitle)]);
    section('预警', ['预警编号', '风险等级', '业务日期', '预警时间', '模型版本', '阈值', '说明'], detail.warnings.map((w) => [w.id, SEVERITY_LABELS[w.severity] ?? w.severity, w.businessDate, w.raisedAt, w.modelVersion, w.thresholds, w.explanation]));
    section('证据时间线', ['类型', '编号', '日期', '时间', '金额（分）', '摘要'], detail.timeline.map((t) => [t.kind, t.ref, t.date, t.occurredAt, t.amountFen, t.summary]));
    section('核查记录', ['时间', '记录人', '内容'], detail.notes.map((n) => [n.createdAt, n.authorName, n.body]));
    section('附件', ['文件名', '类型', '大小（字节）', 'SHA-256', '上传人', '上传时间'], detail.attachments.map((a) => [a.fileName, a.contentType, a.sizeBytes, a.sha256, a.uploadedByName, a.uploadedAt]));
    section('操作记录', ['序号', '时间', '操作人', '操作', '变更', '说明'], trail.map((e) => [e.id, e.at, e.actorName, e.action, e.changes, e.detail]));
    await this.service.recordExport(kase, principal, 'csv');
    return { kase, csv: out.join('') };
  }
}

