// 结算工作台: periods of a month (daily close, monthly close), net positions after netting (轧差), statements with the
// meals behind them, CSV and printable page, and the approval flow (审核 → 付款 → 确认).
import { $, api, ApiError, dateTimeText, el, errorText, sessionStore, show, submitRoleLogin, SLOT_LABELS } from './common.js';

const session = sessionStore('settlement');
const STATUS_LABELS = { prepared: '待审核', approved: '已审核', paid: '已付款', confirmed: '已确认' };
const STATUS_TAGS = { prepared: 'warn', approved: '', paid: 'ok', confirmed: 'ok' };
const LINES_PAGE = 50;

let month = '';
let netsKey = '';
let selected = null;
let linesPage = 1;

/** Exact yuan text from integer fen (no floating point): 123456 → "1,234.56", -5 → "-0.05". */
function yuanText(fen) {
  if (typeof fen !== 'number' || !Number.isFinite(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100).toLocaleString('zh-CN')}.${String(abs % 100).padStart(2, '0')}`;
}

function say(kind, text) {
  const box = $('#message');
  box.className = `message ${kind}`;
  box.textContent = text || '';
  show(box, Boolean(text));
}

function principal() {
  const current = session.load();
  return current ? current.principal : null;
}

/** The clearing company's officers have no unit; the others are unit / district finance officers. */
function isClearing() {
  const p = principal();
  return Boolean(p && !p.settlementUnitId);
}

async function call(path, options = {}) {
  const current = session.load();
  try {
    return await api(path, { ...options, token: current && current.accessToken });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      showLogin();
      say('error', '登录已失效，请重新登录');
    }
    throw error;
  }
}

/** A download or print fetch with the token (the routes need Authorization). */
async function fetchText(path, accept) {
  const current = session.load();
  const response = await fetch(path, { headers: { Authorization: `Bearer ${current.accessToken}`, Accept: accept }, cache: 'no-store' });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new ApiError({ status: response.status, code: body.code, message: body.message });
  }
  return response.text();
}

function showLogin() {
  show($('#login-view'), true);
  show($('#main-view'), false);
  show($('#who'), false);
}

function previousMonth() {
  const now = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

function enterApp() {
  const p = principal();
  show($('#login-view'), false);
  show($('#main-view'), true);
  show($('#who'), true);
  $('#who-name').textContent = p.name;
  $('#who-scope').textContent = isClearing() ? '国资公司' : '财务结算员';
  if (!$('#month').value) $('#month').value = previousMonth();
  void loadMonth();
}

function onLogin(event) {
  return submitRoleLogin(event, {
    role: 'settlement_officer',
    refusal: '此账号不是结算员',
    say,
    onSignedIn: (result) => {
      session.save(result);
      enterApp();
    },
  });
}

// ---- periods ---------------------------------------------------------------------------------------------

async function loadMonth() {
  month = $('#month').value;
  if (!/^\d{4}-\d{2}$/.test(month)) {
    say('error', '请选择结算月份');
    return;
  }
  try {
    const overview = await call(`/settlement/periods?month=${encodeURIComponent(month)}`);
    renderMonth(overview);
    if (overview.month.closed) {
      await loadNets(month);
      await loadStatements();
    } else {
      show($('#statements-card'), false);
      const firstClosed = overview.days.find((d) => d.closed);
      if (firstClosed) await loadNets(firstClosed.key);
      else show($('#nets-card'), false);
    }
  } catch (error) {
    say('error', `查询失败：${errorText(error)}`);
  }
}

function renderMonth(overview) {
  const m = overview.month;
  const closeMonth = $('#close-month');
  show(closeMonth, isClearing() && !m.closed);
  closeMonth.disabled = !m.closable;
  closeMonth.title = m.closable ? '' : `本月尚未结束，${dateTimeText(m.closableFrom)} 后可关账`;
  $('#month-summary').textContent = m.closed
    ? `${month} 已月结：公务结算 ${m.period.unitPaidCount} 笔，${yuanText(m.period.unitPaidFen)} 元；结算单 ${m.period.statementCount} 张；关账人 ${m.period.closedByName}，${dateTimeText(m.period.closedAt)}`
    : `${month} 未月结：当前公务结算 ${m.openUnitPaidCount} 笔，${yuanText(m.openUnitPaidFen)} 元（未关账日）`;
  $('#days').replaceChildren(
    ...overview.days.map((d) => {
      const p = d.period;
      const action = d.closed
        ? el('button', { type: 'button', class: 'btn small plain', text: '轧差', onclick: () => void loadNets(d.key) })
        : isClearing() && d.closable
          ? el('button', { type: 'button', class: 'btn small', text: '关账', onclick: () => void closePeriod(d.key) })
          : el('span', { class: 'hint', text: d.closable ? '' : '未结束' });
      return el(
        'tr',
        { dataset: { day: d.key, status: d.closed ? 'closed' : 'open' } },
        el('td', { text: d.key.slice(5) }),
        el('td', {}, el('span', { class: `tag ${d.closed ? 'ok' : ''}`, text: d.closed ? '已关账' : '未关账' })),
        el('td', { class: 'n', text: String(p ? p.unitPaidCount : d.openUnitPaidCount) }),
        el('td', { class: 'n', text: yuanText(p ? p.unitPaidFen : d.openUnitPaidFen) }),
        el('td', { class: 'n', text: p && p.reversalCount ? `${p.reversalCount} 笔` : '' }),
        el('td', {}, action),
      );
    }),
  );
}

async function closePeriod(key) {
  say('info', `正在关账 ${key}…`);
  try {
    const result = await call(`/settlement/periods/${encodeURIComponent(key)}/close`, { method: 'POST' });
    const p = result.period;
    say('info', result.alreadyClosed ? `${key} 已经关账（未作任何改动）` : `${key} 已关账：公务结算 ${p.unitPaidCount} 笔，${yuanText(p.unitPaidFen)} 元`);
    await loadMonth();
  } catch (error) {
    say('error', `关账失败：${errorText(error)}`);
  }
}

// ---- nets ------------------------------------------------------------------------------------------------

async function loadNets(key) {
  netsKey = key;
  const level = $('#nets-level').value;
  try {
    const nets = await call(`/settlement/periods/${encodeURIComponent(key)}/nets?level=${level}`);
    show($('#nets-card'), true);
    $('#nets-title').textContent = `轧差净额 · ${key}`;
    $('#nets-summary').textContent =
      `轧差前 ${nets.bilateralPairs} 笔双边划转 → 轧差后 ${nets.netTransfers} 笔净额划转，节省 ${nets.transfersSaved} 笔；净额合计 ${yuanText(nets.sumOfNetFen)} 元` +
      (nets.total > nets.positions.length ? `（仅显示前 ${nets.positions.length} / ${nets.total} 个）` : '');
    $('#nets').replaceChildren(
      ...nets.positions.map((p) =>
        el(
          'tr',
          { dataset: { party: p.partyId } },
          el('td', { text: p.partyName }),
          el('td', { class: 'n', text: yuanText(p.payableFen) }),
          el('td', { class: 'n', text: yuanText(p.receivableFen) }),
          el('td', { class: 'n', text: yuanText(p.netFen) }),
          el('td', { text: p.netFen < 0 ? '应付国资公司' : p.netFen > 0 ? '应收国资公司' : '无需划转' }),
        ),
      ),
    );
    for (const row of $('#days').querySelectorAll('tr')) row.classList.toggle('selected', row.dataset.day === key);
  } catch (error) {
    say('error', `无法加载轧差净额：${errorText(error)}`);
  }
}

// ---- statements ------------------------------------------------------------------------------------------

async function loadStatements() {
  const params = new URLSearchParams({ month, pageSize: '200' });
  if ($('#st-type').value) params.set('partyType', $('#st-type').value);
  if ($('#st-status').value) params.set('status', $('#st-status').value);
  try {
    const page = await call(`/settlement/statements?${params}`);
    show($('#statements-card'), true);
    $('#statements').replaceChildren(
      ...page.items.map((s) =>
        el(
          'tr',
          { dataset: { statementId: s.id, status: s.status, party: s.partyName } },
          el('td', { text: `${s.partyType === 'region' ? '【地区】' : ''}${s.partyName}` }),
          el('td', { class: 'n', text: yuanText(s.netFen) }),
          el('td', {}, el('span', { class: `tag ${STATUS_TAGS[s.status] || ''}`, text: STATUS_LABELS[s.status] || s.status })),
          el('td', {}, el('button', { type: 'button', class: 'btn small plain', text: '查看', onclick: () => void openStatement(s.id) })),
        ),
      ),
    );
    $('#statements-info').textContent = `共 ${page.total} 张${page.total > page.items.length ? `，显示前 ${page.items.length} 张` : ''}`;
  } catch (error) {
    say('error', `无法加载结算单：${errorText(error)}`);
  }
}

async function openStatement(id) {
  try {
    const detail = await call(`/settlement/statements/${id}`);
    selected = detail;
    linesPage = 1;
    renderStatement(detail);
    await loadLines();
    $('#statement-card').scrollIntoView({ block: 'start' });
  } catch (error) {
    say('error', `无法打开结算单：${errorText(error)}`);
  }
}

function renderStatement(detail) {
  const s = detail.statement;
  show($('#statement-card'), true);
  $('#statement-card').dataset.status = s.status;
  $('#st-title').textContent = `${s.partyName} · ${s.month} 结算单`;
  $('#st-status-tag').textContent = STATUS_LABELS[s.status] || s.status;
  $('#st-status-tag').className = `tag ${STATUS_TAGS[s.status] || ''}`;
  const row = (label, count, fen) => el('tr', {}, el('td', { text: label }), el('td', { class: 'n', text: `${count} 笔` }), el('td', { class: 'n', text: `${yuanText(fen)} 元` }));
  $('#st-totals').replaceChildren(
    row('应付（本方人员公务就餐）', s.payableCount, s.payableFen),
    row('应收（本方食堂接待公务就餐）', s.receivableCount, s.receivableFen),
    row('冲正：退回应付', s.reversalPayableCount, s.reversalPayableFen),
    row('冲正：扣减应收', s.reversalReceivableCount, s.reversalReceivableFen),
    row('个人支付（食堂已收）', s.selfCollectedCount, s.selfCollectedFen),
  );
  $('#st-net').textContent =
    s.netFen < 0 ? `轧差净额：应向国资公司支付 ${yuanText(-s.netFen)} 元` : s.netFen > 0 ? `轧差净额：国资公司应支付 ${yuanText(s.netFen)} 元` : '轧差净额：0（无需划转）';
  const trail = [`编制 ${dateTimeText(s.preparedAt)}`];
  if (s.approvedAt) trail.push(`审核 ${s.approvedByName} ${dateTimeText(s.approvedAt)}`);
  if (s.paidAt) trail.push(`付款 ${s.paidByName} ${dateTimeText(s.paidAt)}`);
  if (s.confirmedAt) trail.push(`确认 ${s.confirmedByName} ${dateTimeText(s.confirmedAt)}`);
  $('#st-trail').textContent = trail.join('　→　');
  show($('#st-approve'), isClearing() && s.status === 'prepared');
  show($('#st-pay'), isClearing() && s.status === 'approved');
  show($('#st-confirm'), Boolean(detail.canConfirm));
  $('#st-counterparties').replaceChildren(
    ...detail.counterparties.map((c) =>
      el(
        'tr',
        {},
        el('td', { text: c.direction === 'payable' ? '应付' : '应收' }),
        el('td', { text: c.counterpartyName }),
        el('td', { class: 'n', text: String(c.mealCount) }),
        el('td', { class: 'n', text: yuanText(c.amountFen) }),
        el('td', { class: 'n', text: c.reversalFen ? yuanText(-c.reversalFen) : '' }),
      ),
    ),
  );
}

async function loadLines() {
  const s = selected.statement;
  try {
    const page = await call(`/settlement/statements/${s.id}/lines?page=${linesPage}&pageSize=${LINES_PAGE}`);
    $('#st-lines').replaceChildren(
      ...page.items.map((l) =>
        el(
          'tr',
          { dataset: { mealId: l.mealId, kind: l.kind } },
          el('td', { text: l.kind === 'reversal' ? '冲正' : '就餐' }),
          el('td', { text: l.direction === 'payable' ? '应付' : '应收' }),
          el('td', { text: l.mealDate }),
          el('td', { text: SLOT_LABELS[l.slot] || l.slot }),
          el('td', { text: l.dinerName }),
          el('td', { text: l.dinerUnitName }),
          el('td', { text: l.canteenName }),
          el('td', { class: 'n', text: yuanText(l.amountFen) }),
        ),
      ),
    );
    const pages = Math.max(1, Math.ceil(page.total / LINES_PAGE));
    $('#lines-info').textContent = `第 ${linesPage} / ${pages} 页，共 ${page.total} 条`;
    $('#lines-prev').disabled = linesPage <= 1;
    $('#lines-next').disabled = linesPage >= pages;
  } catch (error) {
    say('error', `无法加载明细：${errorText(error)}`);
  }
}

async function advance(action, label) {
  const s = selected.statement;
  try {
    await call(`/settlement/statements/${s.id}/${action}`, { method: 'POST' });
    say('info', `${s.partyName}：${label}`);
    await openStatement(s.id);
    await loadStatements();
  } catch (error) {
    say('error', `${label}失败：${errorText(error)}`);
  }
}

async function downloadCsv() {
  const s = selected.statement;
  try {
    const text = await fetchText(`/settlement/statements/${s.id}/lines.csv`, 'text/csv');
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = el('a', { href: url, download: `结算单-${s.month}-${s.partyName}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    say('error', `下载失败：${errorText(error)}`);
  }
}

/** The printable page needs the Authorization header: fetched here, opened from a blob: URL in the window opened on the click. */
async function openPrint() {
  const s = selected.statement;
  const win = window.open('', '_blank');
  try {
    const html = await fetchText(`/settlement/statements/${s.id}/print`, 'text/html');
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
    if (win) win.location.href = url;
    else window.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    if (win) win.close();
    say('error', `无法打开打印页：${errorText(error)}`);
  }
}

function start() {
  $('#login-form').addEventListener('submit', onLogin);
  $('#logout').addEventListener('click', () => {
    session.clear();
    selected = null;
    show($('#statement-card'), false);
    showLogin();
  });
  $('#month-form').addEventListener('submit', (event) => {
    event.preventDefault();
    show($('#statement-card'), false);
    void loadMonth();
  });
  $('#close-month').addEventListener('click', () => void closePeriod(month));
  $('#nets-level').addEventListener('change', () => netsKey && void loadNets(netsKey));
  $('#st-type').addEventListener('change', () => void loadStatements());
  $('#st-status').addEventListener('change', () => void loadStatements());
  $('#st-approve').addEventListener('click', () => void advance('approve', '审核通过'));
  $('#st-pay').addEventListener('click', () => void advance('pay', '已标记付款'));
  $('#st-confirm').addEventListener('click', () => void advance('confirm', '已确认'));
  $('#st-csv').addEventListener('click', () => void downloadCsv());
  $('#st-print').addEventListener('click', () => void openPrint());
  $('#lines-prev').addEventListener('click', () => {
    linesPage -= 1;
    void loadLines();
  });
  $('#lines-next').addEventListener('click', () => {
    linesPage += 1;
    void loadLines();
  });
  if (session.load()) enterApp();
  else showLogin();
}

start();
