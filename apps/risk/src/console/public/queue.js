// 线索队列: filters, sorting, pages; take the next case; bulk assign/close for leads; CSV export.
import { $, api, bootConsole, dateTimeText, download, el, errorText, MODEL_TITLES, say, SEVERITY_LABELS, show, STATUS_LABELS, SUBJECT_LABELS } from './console-common.js';

const PAGE_SIZE = 50;
let page = 1;
let total = 0;
let me = null;
const selected = new Set();

function filterParams() {
  const params = new URLSearchParams();
  const set = (name, value) => value && params.set(name, value);
  set('status', $('#f-status').value);
  set('model', $('#f-model').value);
  set('severity', $('#f-severity').value);
  set('regionCode', $('#f-region').value.trim());
  set('unitId', $('#f-unit').value.trim());
  set('assignee', $('#f-assignee').value);
  set('from', $('#f-from').value);
  set('to', $('#f-to').value);
  set('sort', $('#f-sort').value);
  set('order', $('#f-order').value);
  return params;
}

async function load(toPage = page) {
  page = toPage;
  const params = filterParams();
  params.set('page', String(page));
  params.set('pageSize', String(PAGE_SIZE));
  try {
    const result = await api(`/cases?${params}`);
    total = result.total;
    render(result.items);
  } catch (error) {
    say('error', `查询失败：${errorText(error)}`);
  }
}

function render(items) {
  const body = $('#cases tbody');
  body.replaceChildren();
  const bulk = me && me.lead;
  for (const c of items) {
    const row = el(
      'tr',
      { dataset: { caseId: c.id, status: c.status } },
      bulk
        ? el('td', {}, el('input', { type: 'checkbox', 'aria-label': '选择', checked: selected.has(c.id), onchange: (e) => toggle(c.id, e.target.checked) }))
        : null,
      el('td', {}, el('a', { href: `/console/cases/${c.id}`, text: c.subjectName || c.subjectId }), el('div', { class: 'hint', text: SUBJECT_LABELS[c.subjectType] || c.subjectType })),
      el('td', { text: MODEL_TITLES[c.modelKey] || c.modelKey }),
      el('td', { class: `sev-${c.severity}`, text: SEVERITY_LABELS[c.severity] || c.severity }),
      el('td', {}, el('span', { class: `badge ${c.status}`, text: STATUS_LABELS[c.status] || c.status })),
      el('td', { text: c.assigneeName || (c.assigneeId ? c.assigneeId.slice(0, 8) : '—') }),
      el('td', { text: c.warningCount }),
      el('td', { text: dateTimeText(c.lastWarningAt) }),
      el('td', { text: c.regionCode }),
    );
    body.append(row);
  }
  if (items.length === 0) body.append(el('tr', {}, el('td', { colspan: 9, class: 'hint', text: '没有符合条件的线索' })));
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  $('#page-info').textContent = `共 ${total} 条，第 ${page} / ${pages} 页`;
  $('#prev-page').disabled = page <= 1;
  $('#next-page').disabled = page >= pages;
  for (const col of document.querySelectorAll('.bulk-col')) show(col, Boolean(bulk));
}

function toggle(id, on) {
  if (on) selected.add(id);
  else selected.delete(id);
  $('#bulk-count').textContent = `已选 ${selected.size} 条`;
}

async function takeNext() {
  $('#take-next').disabled = true;
  try {
    const params = $('#f-model').value ? { model: $('#f-model').value } : {};
    const result = await api('/cases/take-next', { method: 'POST', body: params });
    location.href = `/console/cases/${result.case.id}`;
  } catch (error) {
    say('error', errorText(error));
  } finally {
    $('#take-next').disabled = false;
  }
}

async function bulk(action) {
  if (selected.size === 0) return say('error', '请先选择线索');
  const body = { action, caseIds: [...selected] };
  if (action === 'assign') {
    body.assigneeId = $('#bulk-assignee').value;
    if (!body.assigneeId) return say('error', '请选择承办人');
  } else {
    body.resolution = $('#bulk-resolution').value;
    body.reason = $('#bulk-reason').value.trim();
    if (!body.reason) return say('error', '请填写办结理由');
  }
  try {
    const result = await api('/cases/bulk', { method: 'POST', body });
    say('ok', `已${action === 'assign' ? '分派' : '办结'} ${result.items.length} 条线索`);
    selected.clear();
    toggle('', false);
    await load();
  } catch (error) {
    say('error', `批量操作失败：${errorText(error)}`);
  }
}

bootConsole(async (who) => {
  me = who;
  const models = $('#f-model');
  for (const [key, title] of Object.entries(MODEL_TITLES)) models.append(el('option', { value: key, text: title }));
  const params = new URLSearchParams(location.search);
  for (const name of ['status', 'model', 'severity', 'assignee']) if (params.has(name)) $(`#f-${name}`).value = params.get(name);
  show($('#take-next'), who.principal.roles.includes('inspector'));
  if (who.lead) {
    show($('#bulk-bar'), true);
    try {
      for (const i of await api('/inspectors')) $('#bulk-assignee').append(el('option', { value: i.id, text: `${i.name}（${i.regionCode}）` }));
    } catch (error) {
      say('error', errorText(error));
    }
  }
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void load(1);
  });
  $('#take-next').addEventListener('click', () => void takeNext());
  $('#prev-page').addEventListener('click', () => void load(page - 1));
  $('#next-page').addEventListener('click', () => void load(page + 1));
  $('#export-csv').addEventListener('click', () => download(`/cases/export.csv?${filterParams()}`, 'cases.csv').catch((e) => say('error', errorText(e))));
  $('#bulk-assign').addEventListener('click', () => void bulk('assign'));
  $('#bulk-close').addEventListener('click', () => void bulk('close'));
  $('#select-all').addEventListener('change', (event) => {
    for (const box of document.querySelectorAll('#cases tbody input[type=checkbox]')) {
      box.checked = event.target.checked;
      toggle(box.closest('tr').dataset.caseId, box.checked);
    }
  });
  await load(1);
});
