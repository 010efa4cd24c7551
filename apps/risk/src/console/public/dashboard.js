// 监测看板: warnings by model, region and month; open cases and ageing; model quality; canteen use and unit-paid
// spending; reception spending trend (the reform's effect).
import { $, api, bootConsole, el, errorText, MODEL_TITLES, say, STATUS_LABELS, svg, yuan } from './console-common.js';

function rows(tbody, data, cells) {
  tbody.replaceChildren(...data.map((d) => el('tr', {}, ...cells(d).map((c) => el('td', { text: c })))));
  if (data.length === 0) tbody.append(el('tr', {}, el('td', { class: 'hint', colspan: 6, text: '无数据' })));
}

/** A bar chart of (label, value) pairs. */
function bars(data, format = String) {
  const W = 520;
  const H = 180;
  const max = Math.max(1, ...data.map((d) => d.value));
  const bw = data.length ? (W - 40) / data.length : 0;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H + 30}`, class: 'plot', role: 'img' });
  data.forEach((d, i) => {
    const h = (d.value / max) * (H - 20);
    root.append(
      svg('rect', { x: 20 + i * bw + 3, y: H - h, width: Math.max(bw - 6, 1), height: h, class: 'bar' }, svg('title', { text: `${d.label}：${format(d.value)}` })),
      svg('text', { x: 20 + i * bw + bw / 2, y: H + 14, 'font-size': 10, 'text-anchor': 'middle', text: d.label.slice(2) }),
    );
  });
  return root;
}

async function load() {
  const params = new URLSearchParams();
  if ($('#r-from').value) params.set('from', $('#r-from').value);
  if ($('#r-to').value) params.set('to', $('#r-to').value);
  try {
    const [d, q] = await Promise.all([api(`/dashboard?${params}`), api(`/quality/models?${params}`)]);
    $('#r-from').value = d.from;
    $('#r-to').value = d.to;
    $('#r-scope').textContent = d.regionPrefix ? `范围：区划 ${d.regionPrefix}*` : '范围：全市';
    const months = [...new Set(d.warningsByModelMonth.map((r) => r.month))];
    const models = [...new Set(d.warningsByModelMonth.map((r) => r.modelKey))];
    $('#warnings-chart').replaceChildren(bars(months.map((m) => ({ label: m, value: d.warningsByModelMonth.filter((r) => r.month === m).reduce((s, r) => s + r.count, 0) }))));
    $('#warnings-by-model thead').replaceChildren(el('tr', {}, el('th', { text: '模型' }), ...months.map((m) => el('th', { text: m }))));
    rows($('#warnings-by-model tbody'), models, (key) => [MODEL_TITLES[key] || key, ...months.map((m) => String(d.warningsByModelMonth.find((r) => r.month === m && r.modelKey === key)?.count ?? 0))]);
    rows($('#warnings-by-region tbody'), d.warningsByRegion, (r) => [r.regionCode, r.regionName || '—', String(r.count)]);
    rows($('#open-cases tbody'), d.openCases, (r) => [STATUS_LABELS[r.key] || r.key, String(r.count)]);
    rows($('#ageing tbody'), d.ageing, (r) => [r.key, String(r.count)]);
    rows($('#quality tbody'), q.models, (m) => [m.title, String(m.open), String(m.confirmed), String(m.dismissed), String(m.inconclusive), m.precision === null ? '—' : `${Math.round(m.precision * 100)}%`]);
    $('#spend-chart').replaceChildren(bars(d.canteenUse.map((r) => ({ label: r.month, value: r.unitPaidFen })), yuan));
    rows($('#canteen-use tbody'), d.canteenUse, (r) => [r.month, String(r.meals), String(r.diners), String(r.canteens), String(r.unitPaidMeals), yuan(r.unitPaidFen)]);
    $('#reception-chart').replaceChildren(bars(d.receptionTrend.map((r) => ({ label: r.month, value: r.amountFen })), yuan));
    rows($('#receptions tbody'), d.receptionTrend, (r) => [r.month, String(r.receptions), yuan(r.amountFen), String(r.withoutLetter)]);
  } catch (error) {
    say('error', errorText(error));
  }
}

bootConsole(async () => {
  $('#range').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  await load();
});
