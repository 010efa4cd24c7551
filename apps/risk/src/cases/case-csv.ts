import { StoredCase } from './case.repository';

/**
 * One CSV cell: quoted when needed; a leading = + - @ (or tab/CR) gets an apostrophe so a spreadsheet never
 * evaluates exported text as a formula.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** UTF-8 byte order mark: Excel opens the Chinese text correctly with it. */
export const CSV_BOM = '\uFEFF';

export const STATUS_LABELS: Record<string, string> = { new: '待处理', assigned: '已分派', investigating: '核查中', closed: '已办结' };
export const RESOLUTION_LABELS: Record<string, string> = { confirmed: '属实', dismissed: '不属实（误报）', inconclusive: '无法认定' };
export const SEVERITY_LABELS: Record<string, string> = { low: '低', medium: '中', high: '高', critical: '严重' };

export const CASE_LIST_HEADER = ['线索编号', '模型', '对象类型', '对象编号', '对象名称', '行政区划', '状态', '办结结论', '风险等级', '承办人', '预警数', '首次预警', '最近预警', '办结时间'];

export function caseListRow(c: StoredCase, modelTitle: (key: string) => string): unknown[] {
  return [
    c.id,
    modelTitle(c.modelKey),
    c.subjectType,
    c.subjectId,
    c.subjectName,
    c.regionCode,
    STATUS_LABELS[c.status] ?? c.status,
    c.resolution ? (RESOLUTION_LABELS[c.resolution] ?? c.resolution) : '',
    SEVERITY_LABELS[c.severity] ?? c.severity,
    c.assigneeName ?? c.assigneeId ?? '',
    c.warningCount,
    c.firstWarningAt,
    c.lastWarningAt,
    c.closedAt,
  ];
}
