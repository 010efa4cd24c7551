// 案卷 (printable case file): the case, its evidence, drawings, notes, attachments and audit trail, for paper.
import { $, api, dateTimeText, el, errorText, say, session, show } from './console-common.js';
import { caseMeta, renderAudit, renderPlots, renderTimeline, statusText } from './case-view.js';

const caseId = decodeURIComponent(location.pathname.split('/')[3] || '');

async function main() {
  if (!session.load()) {
    show($('#login-view'), true);
    return;
  }
  try {
    const [detail, trail] = await Promise.all([api(`/cases/${encodeURIComponent(caseId)}`), api(`/cases/${encodeURIComponent(caseId)}/audit`)]);
    const c = detail.case;
    show($('#main-view'), true);
    $('#back-link').href = `/console/cases/${caseId}`;
    $('#file-title').textContent = `案卷：${detail.modelTitle} · ${c.subjectName || c.subjectId}`;
    $('#file-printed').textContent = `线索编号 ${c.id} · 打印时间 ${dateTimeText(new Date())} · 打印人 ${session.load().principal.name}`;
    $('#file-meta').textContent = caseMeta(c, detail.modelTitle);
    $('#file-status').textContent = statusText(c);
    $('#file-explanations').replaceChildren(...[...new Set(detail.warnings.map((w) => w.explanation))].map((text) => el('li', { text })));
    renderTimeline($('#file-timeline'), detail.timeline);
    renderPlots(detail, $('#map-card'), $('#map'), $('#graph-card'), $('#graph'));
    $('#file-notes').replaceChildren(...detail.notes.map((n) => el('li', { text: `${dateTimeText(n.createdAt)} ${n.authorName}：${n.body}` })));
    $('#file-attachments').replaceChildren(...detail.attachments.map((a) => el('li', { text: `${a.fileName}（${a.contentType}，${a.sizeBytes} 字节，SHA-256 ${a.sha256}）` })));
    renderAudit($('#audit tbody'), trail);
  } catch (error) {
    say('error', errorText(error));
  }
}

$('#print-button').addEventListener('click', () => window.print());
void main();
