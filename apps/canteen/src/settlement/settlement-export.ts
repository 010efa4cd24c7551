import { CounterpartyLine, StatementLine, StatementRecord } from './settlement.repository';

/** 1234 → "12.34", -5 → "-0.05": exact, from integer fen (never through floating point division). */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const SLOT_TEXT: Record<string, string> = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };
const STATUS_TEXT: Record<string, string> = { prepared: '待审核', approved: '已审核', paid: '已付款', confirmed: '已确认' };
const DIRECTION_TEXT: Record<string, string> = { payable: '应付', receivable: '应收' };
const KIND_TEXT: Record<string, string> = { meal: '就餐', reversal: '冲正' };

/** "2025-11-24 12:03:07" in Asia/Shanghai. */
export function shanghaiDateTime(value: Date | null): string {
  if (!value) return '';
  return new Date(value.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** A CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused with a leading '. */
export function csvField(value: string | number, text = true): string {
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = ['类型', '方向', '就餐日期', '餐次', '扫码时间', '作废时间', '用餐人', '用餐人单位', '食堂', '食堂所属单位', '价格(元)', '金额(元)', '就餐记录ID'];

export function csvLine(line: StatementLine): string {
  return [
    csvField(KIND_TEXT[line.kind] ?? line.kind),
    csvField(DIRECTION_TEXT[line.direction] ?? line.direction),
    csvField(line.mealDate),
    csvField(SLOT_TEXT[line.slot] ?? line.slot),
    csvField(shanghaiDateTime(line.scannedAt)),
    csvField(shanghaiDateTime(line.voidedAt)),
    csvField(line.dinerName),
    csvField(line.dinerUnitName),
    csvField(line.canteenName),
    csvField(line.ownerUnitName),
    csvField(yuanText(line.priceFen), false),
    csvField(yuanText(line.amountFen), false),
    csvField(line.mealId),
  ].join(',');
}

/** The CSV's first lines: a BOM (so spreadsheets read UTF-8), the statement summary as comments-free rows, the header. */
export function csvPreamble(s: StatementRecord): string {
  const rows = [
    ['结算单', s.id],
    ['结算方', s.partyName],
    ['结算期', `${s.periodStart} 至 ${s.periodEnd}`],
    ['应付(元)', yuanText(s.payableFen)],
    ['应收(元)', yuanText(s.receivableFen)],
    ['冲正退回应付(元)', yuanText(s.reversalPayableFen)],
    ['冲正扣减应收(元)', yuanText(s.reversalReceivableFen)],
    ['轧差净额(元)', yuanText(s.netFen)],
    ['状态', STATUS_TEXT[s.status] ?? s.status],
  ];
  return `\uFEFF${rows.map(([k, v]) => `${csvField(k as string)},${csvField(v as string, k !== '结算单' && !k!.includes('元'))}`).join('\r\n')}\r\n\r\n${CSV_HEADER.join(',')}\r\n`;
}

function esc(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The printable statement (A4, zh-CN, no script): summary, counterparties, meal lines, approval trail, signatures. */
export function renderPrintableStatement(
  s: StatementRecord,
  counterparties: CounterpartyLine[],
  lines: StatementLine[],
  totalLines: number,
): string {
  const party = s.partyType === 'unit' ? '单位' : '地区';
  const trail = [
    ['编制', s.preparedAt, '系统（关账）'],
    ['审核（国资公司）', s.approvedAt, s.approvedByName],
    ['付款（国资公司）', s.paidAt, s.paidByName],
    ['确认（本单位）', s.confirmedAt, s.confirmedByName],
  ] as const;
  const cpRows = counterparties
    .map(
      (c) =>
        `<tr><td>${esc(DIRECTION_TEXT[c.direction])}</td><td>${esc(c.counterpartyName)}</td><td class="n">${c.mealCount}</td><td class="n">${esc(yuanText(c.amountFen))}</td><td class="n">${c.reversalCount}</td><td class="n">${esc(yuanText(c.reversalFen))}</td></tr>`,
    )
    .join('');
  const lineRows = lines
    .map(
      (l) =>
        `<tr><td>${esc(KIND_TEXT[l.kind])}</td><td>${esc(DIRECTION_TEXT[l.direction])}</td><td>${esc(l.mealDate)}</td><td>${esc(SLOT_TEXT[l.slot] ?? l.slot)}</td><td>${esc(shanghaiDateTime(l.scannedAt).slice(11))}</td><td>${esc(l.dinerName)}</td><td>${esc(l.dinerUnitName)}</td><td>${esc(l.canteenName)}</td><td class="n">${esc(yuanText(l.amountFen))}</td></tr>`,
    )
    .join('');
  const more = totalLines > lines.length ? `<p class="note">本页列出前 ${lines.length} 条明细，共 ${totalLines} 条；完整明细见 CSV 下载。</p>` : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>结算单 · ${esc(s.partyName)} · ${esc(s.periodStart.slice(0, 7))}</title>
<style>
  @page { size: A4; margin: 14mm; }
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #111; font-size: 12px; }
  h1 { font-size: 20px; text-align: center; margin: 0 0 4px; }
  .sub { text-align: center; color: #444; margin-bottom: 12px; }
  table { width: 100%; border-collapse: collapse; margin: 8px 0 14px; }
  th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; }
  th { background: #f0f0f0; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  .net { font-size: 16px; font-weight: bold; }
  .note { color: #555; }
  .sign { display: flex; justify-content: space-between; margin-top: 28px; }
  .sign div { width: 30%; border-top: 1px solid #333; padding-top: 4px; text-align: center; }
</style></head>
<body>
  <h1>公务餐跨区域结算单</h1>
  <div class="sub">${esc(party)}：${esc(s.partyName)}　结算期：${esc(s.periodStart)} 至 ${esc(s.periodEnd)}　状态：${esc(STATUS_TEXT[s.status])}　编号：${esc(s.id)}</div>
  <table>
    <tr><th>项目</th><th class="n">笔数</th><th class="n">金额（元）</th></tr>
    <tr><td>应付（本${esc(party)}人员公务就餐）</td><td class="n">${s.payableCount}</td><td class="n">${esc(yuanText(s.payableFen))}</td></tr>
    <tr><td>应收（本${esc(party)}食堂接待公务就餐）</td><td class="n">${s.receivableCount}</td><td class="n">${esc(yuanText(s.receivableFen))}</td></tr>
    <tr><td>冲正：退回应付</td><td class="n">${s.reversalPayableCount}</td><td class="n">${esc(yuanText(s.reversalPayableFen))}</td></tr>
    <tr><td>冲正：扣减应收</td><td class="n">${s.reversalReceivableCount}</td><td class="n">${esc(yuanText(s.reversalReceivableFen))}</td></tr>
    <tr><td>个人支付（食堂已收，不参与结算）</td><td class="n">${s.selfCollectedCount}</td><td class="n">${esc(yuanText(s.selfCollectedFen))}</td></tr>
    <tr><td class="net">轧差净额（与国资公司）</td><td></td><td class="n net">${esc(yuanText(s.netFen))}</td></tr>
  </table>
  <p>${s.netFen < 0 ? `本${esc(party)}应向国资公司支付 ${esc(yuanText(-s.netFen))} 元。` : s.netFen > 0 ? `国资公司应向本${esc(party)}支付 ${esc(yuanText(s.netFen))} 元。` : '本期轧差后无需划转。'}</p>
  <h2>往来明细（按对方）</h2>
  <table><tr><th>方向</th><th>对方</th><th class="n">笔数</th><th class="n">金额（元）</th><th class="n">冲正笔数</th><th class="n">冲正金额（元）</th></tr>${cpRows}</table>
  <h2>就餐明细</h2>
  <table><tr><th>类型</th><th>方向</th><th>日期</th><th>餐次</th><th>时间</th><th>用餐人</th><th>用餐人单位</th><th>食堂</th><th class="n">金额（元）</th></tr>${lineRows}</table>
  ${more}
  <h2>审批记录</h2>
  <table><tr><th>环节</th><th>时间</th><th>经办人</th></tr>${trail.map(([k, at, who]) => `<tr><td>${esc(k)}</td><td>${esc(shanghaiDateTime(at))}</td><td>${esc(at ? who : '')}</td></tr>`).join('')}</table>
  <div class="sign"><div>国资公司（盖章）</div><div>${esc(party)}财务负责人</div><div>日期</div></div>
</body></html>`;
}
