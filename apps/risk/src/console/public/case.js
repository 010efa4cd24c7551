// 线索详情: explanation, evidence timeline, map and graph, workflow, notes, attachments, snooze, audit trail, exports.
import { $, api, bootConsole, dateTimeText, download, el, errorText, say, show, SEVERITY_LABELS, todayInShanghai } from './console-common.js';
import { caseMeta, renderAudit, renderPlots, renderTimeline, statusText } from './case-view.js';

const caseId = decodeURIComponent(location.pathname.split('/')[3] || '');
let detail = null;
let inspectorsLoaded = false;

async function refresh() {
  try {
    const [d, trail] = await Promise.all([api(`/cases/${encodeURIComponent(caseId)}`), api(`/cases/${encodeURIComponent(caseId)}/audit`)]);
    detail = d;
    render(trail);
  } catch (error) {
    say('error', errorText(error));
    show($('#main-view'), false);
  }
}

function render(trail) {
  const c = detail.case;
  const p = detail.permissions;
  document.title = `线索 · ${c.subjectName || c.subjectId}`;
  $('#case-title').textContent = `${detail.modelTitle}：${c.subjectName || c.subjectId}`;
  const status = $('#case-status');
  status.textContent = statusText(c);
  status.className = `badge ${c.status}`;
  status.dataset.status = c.status;
  $('#case-meta').textContent = caseMeta(c, detail.modelTitle);
  const explanations = [...new Set(detail.warnings.map((w) => w.explanation))];
  $('#explanations').replaceChildren(...explanations.map((text) => el('li', { text })));
  show($('#take-button'), p.canTake);
  show($('#start-button'), p.canStart);
  show($('#close-box'), p.canClose);
  show($('#reopen-box'), p.canReopen);
  show($('#assign-box'), p.canAssign);
  show($('#note-form'), p.canAnnotate);
  show($('#upload-box'), p.canAnnotate);
  show($('#snooze-form'), p.canSnooze);
  $('#print-link').href = `/console/cases/${caseId}/print`;
  renderTimeline($('#timeline'), detail.timeline);
  renderPlots(detail, $('#map-card'), $('#map'), $('#graph-card'), $('#graph'));
  $('#warnings tbody').replaceChildren(
    ...detail.warnings.map((w) => el('tr', {}, el('td', { text: w.businessDate }), el('td', { text: SEVERITY_LABELS[w.severity] || w.severity }), el('td', { class: 'hint', text: `v${w.modelVersion} · 第${w.settingsRevision}版设置 · ${JSON.stringify(w.thresholds)}` }))),
  );
  $('#notes').replaceChildren(...detail.notes.map((n) => el('li', {}, el('div', { class: 'hint', text: `${n.authorName} · ${dateTimeText(n.createdAt)}` }), el('div', { text: n.body }))));
  $('#attachments').replaceChildren(
    ...detail.attachments.map((a) =>
      el('li', {}, el('a', { href: '#', text: a.fileName, onclick: (e) => (e.preventDefault(), download(`/cases/${caseId}/attachments/${a.id}`, a.fileName).catch((x) => say('error', errorText(x)))) }), el('span', { class: 'hint', text: ` ${Math.ceil(a.sizeBytes / 1024)} KB · ${a.uploadedByName} · ${dateTimeText(a.uploadedAt)}` })),
    ),
  );
  $('#snoozes').replaceChildren(...detail.snoozes.map((s) => el('li', { text: `${s.active ? '暂停中' : '已结束'}：至 ${s.until}（${s.createdByName}）理由：${s.reason}；已拦截 ${s.suppressedCount} 条预警` })));
  if (detail.snoozes.length === 0) $('#snoozes').append(el('li', { class: 'hint', text: '无' }));
  renderAudit($('#audit tbody'), trail);
}

async function act(button, path, body, done) {
  button.disabled = true;
  say('info', '');
  try {
    await api(`/cases/${caseId}/${path}`, { method: 'POST', body });
    say('ok', done);
    await refresh();
  } catch (error) {
    say('error', `${errorText(error)}`);
  } finally {
    button.disabled = false;
  }
}

function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

bootConsole(async () => {
  $('#take-button').addEventListener('click', () => act($('#take-button'), 'take', {}, '已领取'));
  $('#start-button').addEventListener('click', () => act($('#start-button'), 'start', {}, '已开始核查'));
  $('#close-button').addEventListener('click', () => {
    const reason = $('#close-reason').value.trim();
    if (!reason) return say('error', '请填写办结理由');
    return act($('#close-button'), 'close', { resolution: $('#close-resolution').value, reason }, '已办结');
  });
  $('#reopen-button').addEventListener('click', () => {
    const reason = $('#reopen-reason').value.trim();
    if (!reason) return say('error', '请填写重新打开理由');
    return act($('#reopen-button'), 'reopen', { reason }, '已重新打开');
  });
  $('#assign-button').addEventListener('click', () => {
    const assigneeId = $('#assign-to').value;
    if (!assigneeId) return say('error', '请选择承办人');
    return act($('#assign-button'), 'assign', { assigneeId }, '已分派');
  });
  $('#note-body').addEventListener('input', () => ($('#note-count').textContent = `${$('#note-body').value.length} / 2000`));
  $('#note-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = $('#note-body').value.trim();
    if (!body) return say('error', '请填写核查记录');
    await act($('#note-submit'), 'notes', { body }, '已添加核查记录');
    if (!$('#message').classList.contains('error')) $('#note-body').value = '';
  });
  $('#attachment-upload').addEventListener('click', async () => {
    const file = $('#attachment-file').files[0];
    if (!file) return say('error', '请选择文件');
    if (file.size > 512 * 1024) return say('error', '附件过大（最大 512 KB）');
    const contentType = file.type || (file.name.endsWith('.csv') ? 'text/csv' : 'text/plain');
    await act($('#attachment-upload'), 'attachments', { fileName: file.name, contentType, contentBase64: await fileToBase64(file) }, '已上传附件');
  });
  $('#snooze-until').value = todayInShanghai(new Date(Date.now() + 30 * 86400_000));
  $('#snooze-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = $('#snooze-reason').value.trim();
    if (!reason) return say('error', '请填写暂停理由');
    return act($('#snooze-submit'), 'snooze', { reason, until: $('#snooze-until').value }, '已暂停该对象的此模型预警');
  });
  $('#export-file').addEventListener('click', () => download(`/cases/${caseId}/file.csv`, `case-${caseId}.csv`).then(refresh).catch((e) => say('error', errorText(e))));
  await refresh();
  if (detail && detail.permissions.canAssign && !inspectorsLoaded) {
    inspectorsLoaded = true;
    for (const i of await api('/inspectors')) $('#assign-to').append(el('option', { value: i.id, text: `${i.name}（${i.regionCode}）` }));
  }
});
