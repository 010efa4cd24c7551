// 食堂管理 admin page: find a canteen, see its current meal code and every version, issue / rotate / revoke,
// and open the printable poster (fetched with the token, shown through a blob: URL).
import { $, api, ApiError, dateTimeText, el, errorText, sessionStore, show, submitRoleLogin } from './common.js';

const session = sessionStore('admin');
const PAGE_SIZE = 20;
const STATUS_LABELS = { active: '有效', superseded: '已轮换', revoked: '已吊销' };
const LEVEL_LABELS = { city: '市级', county: '县级', township: '乡镇级', village: '村级' };

let page = 1;
let selected = null;
let codeUrl = null;

function say(kind, text) {
  const box = $('#message');
  box.className = `message ${kind}`;
  box.textContent = text || '';
  show(box, Boolean(text));
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

function showLogin() {
  show($('#login-view'), true);
  show($('#main-view'), false);
  show($('#who'), false);
}

function enterApp() {
  const current = session.load();
  show($('#login-view'), false);
  show($('#main-view'), true);
  show($('#who'), true);
  $('#who-name').textContent = current.principal.name;
  void search(1);
}

function onLogin(event) {
  return submitRoleLogin(event, {
    role: 'admin',
    refusal: '此账号不是管理员',
    say,
    onSignedIn: (result) => {
      session.save(result);
      enterApp();
    },
  });
}

// ---- canteens --------------------------------------------------------------------------------------------

async function search(toPage) {
  page = toPage;
  const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  const q = $('#search-q').value.trim();
  const region = $('#search-region').value.trim();
  if (q) params.set('q', q);
  if (region) params.set('regionCode', region);
  try {
    const result = await call(`/canteens?${params}`);
    const items = result.items || [];
    $('#canteens').replaceChildren(
      ...items.map((canteen) =>
        el(
          'li',
          { dataset: { canteenId: canteen.id } },
          el('div', {}, el('div', { class: 'main', text: canteen.name }), el('div', { class: 'sub', text: `${LEVEL_LABELS[canteen.level] || canteen.level} · ${canteen.regionCode} · ${canteen.active ? '运营中' : '已停用'}` })),
          el('button', { type: 'button', class: 'btn small', text: '选择', onclick: () => void select(canteen) }),
        ),
      ),
    );
    if (items.length === 0) $('#canteens').replaceChildren(el('li', { class: 'hint', text: '没有符合条件的食堂' }));
    const total = typeof result.total === 'number' ? result.total : items.length;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    $('#page-info').textContent = `第 ${page} / ${pages} 页，共 ${total} 个`;
    $('#prev-page').disabled = page <= 1;
    $('#next-page').disabled = page >= pages;
    show($('#pager'), true);
  } catch (error) {
    say('error', `查询失败：${errorText(error)}`);
  }
}

async function select(canteen) {
  selected = canteen;
  say('info', '');
  $('#canteen-name').textContent = canteen.name;
  $('#canteen-meta').textContent = `${LEVEL_LABELS[canteen.level] || canteen.level} · ${canteen.regionCode}`;
  show($('#canteen-card'), true);
  show($('#versions-card'), true);
  await refresh();
}

async function refresh() {
  await Promise.all([loadVersions(), loadCurrentCode()]);
}

async function loadCurrentCode() {
  const img = $('#current-code');
  if (codeUrl) URL.revokeObjectURL(codeUrl);
  codeUrl = null;
  try {
    const svg = await call(`/canteens/${selected.id}/meal-codes/current.svg`, { accept: 'image/svg+xml' });
    // shown through <img>: an SVG in an image never runs script
    codeUrl = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    img.src = codeUrl;
    show(img, true);
    $('#current-code-none').textContent = '';
  } catch (error) {
    show(img, false);
    $('#current-code-none').textContent = error.code === 'MEAL_CODE_NOT_ISSUED' ? '尚未签发用餐码，请点击“签发”。' : `无法加载用餐码：${errorText(error)}`;
  }
}

async function loadVersions() {
  const body = $('#versions');
  try {
    const versions = await call(`/canteens/${selected.id}/meal-codes`);
    body.replaceChildren(
      ...versions.map((v) => {
        const until = v.status === 'revoked' ? `吊销于 ${dateTimeText(v.revokedAt)}${v.revokedReason ? `（${v.revokedReason}）` : ''}` : v.graceUntil ? `过渡期至 ${dateTimeText(v.graceUntil)}` : v.status === 'active' ? '长期有效' : '—';
        const row = el(
          'tr',
          { dataset: { version: String(v.version), status: v.status } },
          el('td', { text: `v${v.version}` }),
          el('td', {}, el('span', { class: `tag ${v.status}`, text: STATUS_LABELS[v.status] || v.status }), v.usable ? '' : el('span', { class: 'hint', text: ' 不可用' })),
          el('td', { text: dateTimeText(v.issuedAt) }),
          el('td', { text: until }),
          el('td', {}, v.status === 'revoked' ? '' : el('button', { type: 'button', class: 'btn small secondary', text: '吊销', onclick: () => askRevoke(row, v.version) })),
        );
        return row;
      }),
    );
    if (versions.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'hint', text: '尚无用餐码版本' })));
  } catch (error) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'hint', text: `无法加载版本：${errorText(error)}` })));
  }
}

function askRevoke(row, version) {
  if (row.nextElementSibling && row.nextElementSibling.classList.contains('revoke-row')) return;
  const reason = el('input', { type: 'text', maxlength: '500', placeholder: '吊销原因（必填，记录在案）', 'aria-label': `v${version} 吊销原因` });
  const form = el(
    'form',
    { class: 'row', autocomplete: 'off' },
    el('div', { class: 'grow' }, reason),
    el('button', { type: 'submit', class: 'btn small', text: '确认吊销' }),
    el('button', { type: 'button', class: 'btn small plain', text: '取消', onclick: () => extra.remove() }),
  );
  const extra = el('tr', { class: 'revoke-row' }, el('td', { colspan: '5' }, form));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      say('error', '请填写吊销原因');
      return;
    }
    try {
      const result = await call(`/canteens/${selected.id}/meal-codes/${version}/revoke`, { method: 'POST', body: { reason: text } });
      say('info', `已吊销：${(result.revokedVersions || [version]).map((n) => `v${n}`).join('、')}`);
      await refresh();
    } catch (error) {
      say('error', `吊销失败：${errorText(error)}`);
    }
  });
  row.after(extra);
  reason.focus();
}

async function issue() {
  try {
    const code = await call(`/canteens/${selected.id}/meal-codes`, { method: 'POST' });
    say('info', `当前有效用餐码：v${code.version}`);
    await refresh();
  } catch (error) {
    say('error', `签发失败：${errorText(error)}`);
  }
}

async function rotate(event) {
  event.preventDefault();
  const hours = Number($('#grace-hours').value);
  if (!Number.isFinite(hours) || hours < 0) {
    say('error', '过渡期须为不小于 0 的小时数');
    return;
  }
  try {
    const code = await call(`/canteens/${selected.id}/meal-codes/rotate`, { method: 'POST', body: { graceSeconds: Math.round(hours * 3600) } });
    say('info', `已轮换，新版本 v${code.version}；旧码过渡期 ${hours} 小时`);
    await refresh();
  } catch (error) {
    say('error', `轮换失败：${errorText(error)}`);
  }
}

/** The poster needs the Authorization header: fetched here, opened from a blob: URL in the window opened on the click. */
async function openPoster() {
  const win = window.open('', '_blank');
  if (win) win.document.title = '正在生成海报…';
  try {
    const html = await call(`/canteens/${selected.id}/meal-codes/poster`, { accept: 'text/html' });
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
    if (win) win.location.href = url;
    else window.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    if (win) win.close();
    say('error', `无法生成海报：${errorText(error)}`);
  }
}

function start() {
  $('#login-form').addEventListener('submit', onLogin);
  $('#logout').addEventListener('click', () => {
    session.clear();
    selected = null;
    showLogin();
  });
  $('#search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void search(1);
  });
  $('#prev-page').addEventListener('click', () => void search(page - 1));
  $('#next-page').addEventListener('click', () => void search(page + 1));
  $('#issue-button').addEventListener('click', () => void issue());
  $('#rotate-form').addEventListener('submit', rotate);
  $('#poster-button').addEventListener('click', () => void openPoster());
  if (session.load()) enterApp();
  else showLogin();
}

start();
