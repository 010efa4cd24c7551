// Rendering shared by the case page and its printable file.
import { AUDIT_LABELS, dateTimeText, el, KIND_LABELS, MODEL_TITLES, RESOLUTION_LABELS, SEVERITY_LABELS, SLOT_LABELS, STATUS_LABELS, SUBJECT_LABELS, yuan } from './console-common.js';
import { hostGraph, legend, mapPlot } from './plots.js';

export function caseMeta(c, modelTitle) {
  const parts = [
    `${SUBJECT_LABELS[c.subjectType] || c.subjectType} ${c.subjectId}`,
    `模型：${modelTitle || MODEL_TITLES[c.modelKey] || c.modelKey}`,
    `风险等级：${SEVERITY_LABELS[c.severity] || c.severity}`,
    `区划：${c.regionCode}`,
    `预警 ${c.warningCount} 条（${dateTimeText(c.firstWarningAt)} 至 ${dateTimeText(c.lastWarningAt)}）`,
    `承办人：${c.assigneeName || '—'}`,
  ];
  if (c.resolution) parts.push(`结论：${RESOLUTION_LABELS[c.resolution]}`);
  return parts.join(' ｜ ');
}

export function statusText(c) {
  return STATUS_LABELS[c.status] + (c.resolution ? `（${RESOLUTION_LABELS[c.resolution]}）` : '');
}

function factText(item) {
  const f = item.facts || {};
  if (item.kind === 'meal') return [f.canteenName, SLOT_LABELS[f.slot]].filter(Boolean).join(' · ');
  if (item.kind === 'allowance-claim') return f.tripStart ? `行程 ${f.tripStart} 至 ${f.tripEnd}（${f.days ?? '?'} 天）` : '';
  if (item.kind === 'reception-record') return [f.hostUnitName && `接待方 ${f.hostUnitName}`, Array.isArray(f.guestUnitNames) && `来宾 ${f.guestUnitNames.join('、')}`, f.place && `地点 ${f.place}`].filter(Boolean).join(' · ');
  return '';
}

export function renderTimeline(list, timeline) {
  list.replaceChildren(
    ...timeline.map((t) =>
      el(
        'li',
        { class: t.kind, dataset: { kind: t.kind, ref: t.ref } },
        el('span', { class: 'kind', text: KIND_LABELS[t.kind] || t.kind }),
        el('span', { text: t.occurredAt ? dateTimeText(t.occurredAt) : t.date || '' }),
        t.amountFen != null ? el('span', { class: 'hint', text: ` ${yuan(t.amountFen)}` }) : null,
        el('div', { text: t.summary }),
        factText(t) ? el('div', { class: 'hint', text: factText(t) }) : null,
      ),
    ),
  );
  if (timeline.length === 0) list.append(el('li', { class: 'hint', text: '无证据记录' }));
}

export function renderPlots(detail, mapCard, mapBox, graphCard, graphBox) {
  mapCard.hidden = !detail.map;
  graphCard.hidden = !detail.graph;
  if (detail.map) mapBox.replaceChildren(mapPlot(detail.map.points), legend('蓝色方块：食堂；虚线圆：电子围栏；红点：围栏外扫码；绿点：围栏内扫码'));
  if (detail.graph) graphBox.replaceChildren(hostGraph(detail.graph), legend('箭头由接待方指向被接待方，标注接待日期'));
}

function changeText(changes) {
  const label = { status: '状态', assigneeId: '承办人', resolution: '结论', snoozedUntil: '暂停至', lead: '组长' };
  const value = (field, v) => (v === null || v === undefined ? '—' : field === 'status' ? STATUS_LABELS[v] || v : field === 'resolution' ? RESOLUTION_LABELS[v] || v : String(v).slice(0, 36));
  return Object.entries(changes || {})
    .map(([field, c]) => `${label[field] || field}：${value(field, c.from)} → ${value(field, c.to)}`)
    .join('；');
}

export function renderAudit(body, trail) {
  body.replaceChildren(
    ...trail.map((e) =>
      el(
        'tr',
        { dataset: { action: e.action } },
        el('td', { text: dateTimeText(e.at) }),
        el('td', { text: e.actorName }),
        el('td', { text: AUDIT_LABELS[e.action] || e.action }),
        el('td', { text: [changeText(e.changes), e.detail && e.detail.reason ? `理由：${e.detail.reason}` : '', e.detail && e.detail.assigneeName ? `承办人：${e.detail.assigneeName}` : ''].filter(Boolean).join('；') }),
      ),
    ),
  );
}
