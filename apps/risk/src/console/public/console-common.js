// 核查工作台 shared code: API calls with the bearer token, the development login, labels, safe DOM and SVG building.
// Server-provided text reaches the DOM only through textContent / attributes (never innerHTML).

export class ApiError extends Error {
  constructor({ status = 0, code = 'NETWORK_ERROR', message = '', details = [] } = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
  }
}

const ERROR_TEXTS = {
  NETWORK_ERROR: '网络异常，请稍后重试',
  TOKEN_MISSING: '请先登录',
  TOKEN_INVALID: '登录已失效，请重新登录',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  ROLE_NOT_ALLOWED: '当前账号无权进行此操作',
  IDENTITY_NOT_FOUND: '账号不存在',
  IDENTITY_INACTIVE: '账号已停用',
  CONSOLE_NOT_ALLOWED: '此账号不是纪检监察人员或管理员',
  DEV_LOGIN_DISABLED: '开发登录已关闭',
  VALIDATION_FAILED: '提交的内容有误',
  CASE_NOT_FOUND: '线索不存在或不在您的管辖范围内',
  CASE_QUEUE_EMPTY: '暂无待领取的线索',
  CASE_TRANSITION_NOT_ALLOWED: '当前状态下不能进行此操作',
  CASE_NOT_ASSIGNEE: '只有承办人或组长可以进行此操作',
  INSPECTOR_LEAD_REQUIRED: '只有组长可以进行此操作',
  CASE_ASSIGNEE_NOT_ELIGIBLE: '所选人员不能承办此线索（管辖范围不符）',
  CASE_REOPEN_CONFLICT: '同一对象已有未办结线索，不能重新打开',
  ATTACHMENT_TOO_LARGE: '附件过大（最大 512 KB）',
  ATTACHMENT_TYPE_NOT_ALLOWED: '附件类型不允许（PDF、PNG、JPEG、文本、CSV）',
  ATTACHMENT_INVALID: '附件无效',
  SNOOZE_EXISTS: '该对象的此模型已暂停预警',
  SNOOZE_UNTIL_INVALID: '暂停截止日期无效',
  MONTH_RANGE_INVALID: '月份范围无效',
};

export function errorText(error) {
  if (!(error instanceof ApiError)) return (error && error.message) || '发生未知错误';
  return ERROR_TEXTS[error.code] || error.message || error.code;
}

export const session = {
  key: 'meal.risk-console.session',
  load() {
    try {
      const value = JSON.parse(sessionStorage.getItem(this.key) || 'null');
      return value && typeof value.accessToken === 'string' && value.expiresAt > Date.now() ? value : null;
    } catch {
      return null;
    }
  },
  save(value) {
    sessionStorage.setItem(this.key, JSON.stringify(value));
  },
  clear() {
    sessionStorage.removeItem(this.key);
  },
};

/** fetch with JSON in and out, the bearer token, errors as ApiError; `as: 'blob'` for files. */
export async function api(path, { method = 'GET', body, as = 'json' } = {}) {
  const headers = { Accept: as === 'json' ? 'application/json' : '*/*' };
  const current = session.load();
  if (current) headers.Authorization = `Bearer ${current.accessToken}`;
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError({});
  }
  if (!response.ok) {
    const payload = (response.headers.get('Content-Type') || '').includes('json') ? await response.json().catch(() => ({})) : {};
    const error = new ApiError({ status: response.status, code: payload.code || `HTTP_${response.status}`, message: payload.message || '', details: payload.details });
    if (response.status === 401) session.clear();
    throw error;
  }
  if (as === 'blob') return response.blob();
  return (response.headers.get('Content-Type') || '').includes('json') ? response.json() : null;
}

export async function devLogin(externalIdentityId) {
  const result = await api('/auth/dev-login', { method: 'POST', body: { externalIdentityId } });
  const value = { accessToken: result.accessToken, principal: result.principal, expiresAt: Date.now() + (result.expiresIn || 900) * 1000 };
  session.save(value);
  return value;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const show = (node, visible = true) => {
  node.hidden = !visible;
};

export function say(kind, text) {
  const box = $('#message');
  if (!box) return;
  box.className = `message ${kind}`;
  box.textContent = text || '';
  show(box, Boolean(text));
}

export const STATUS_LABELS = { new: '待处理', assigned: '已分派', investigating: '核查中', closed: '已办结' };
export const RESOLUTION_LABELS = { confirmed: '属实', dismissed: '不属实（误报）', inconclusive: '无法认定' };
export const SEVERITY_LABELS = { low: '低', medium: '中', high: '高', critical: '严重' };
export const SUBJECT_LABELS = { diner: '用餐人', unit: '单位', 'unit-pair': '单位对', 'unit-group': '单位组', canteen: '食堂' };
export const SLOT_LABELS = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };
export const KIND_LABELS = { meal: '就餐', 'allowance-claim': '差旅伙食补助', 'reception-record': '公务接待', 'scan-location': '扫码位置', other: '其他' };
export const MODEL_TITLES = {
  'two-meals-one-slot': '同餐次重复就餐',
  'duplicate-subsidy': '重复领补',
  'proxy-or-fake-scan': '代扫/虚假扫码',
  'same-city-reception': '同城公务接待',
  'mutual-treating': '同城单位相互吃请',
  'unusual-flow': '异常聚集',
};
export const AUDIT_LABELS = {
  'case.taken': '领取',
  'case.assigned': '分派',
  'case.started': '开始核查',
  'case.closed': '办结',
  'case.reopened': '重新打开',
  'case.note-added': '添加核查记录',
  'case.attachment-added': '上传附件',
  'case.snoozed': '暂停预警',
  'case.exported': '导出案卷',
  'snooze.lifted': '解除暂停',
};

const TIME_ZONE = 'Asia/Shanghai';
export function dateTimeText(value) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
}
export function todayInShanghai(date = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}
export function yuan(fen) {
  if (typeof fen !== 'number' || !Number.isFinite(fen)) return '—';
  return `${Math.floor(fen / 100).toLocaleString('zh-CN')}.${String(Math.abs(fen) % 100).padStart(2, '0')} 元`;
}

/** Downloads an authenticated file (CSV, attachment) through a blob: URL. */
export async function download(path, fileName) {
  const blob = await api(path, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The login box and the header: calls `onReady(me)` once an inspector or administrator is logged in.
 * `me` = { principal, lead } (lead from GET /inspectors/me for inspectors).
 */
export function bootConsole(onReady) {
  const loginView = $('#login-view');
  const mainView = $('#main-view');
  async function enter() {
    const current = session.load();
    if (!current) {
      show(loginView, true);
      show(mainView, false);
      show($('#who'), false);
      return;
    }
    let lead = false;
    try {
      if (current.principal.roles.includes('inspector')) lead = (await api('/inspectors/me')).lead;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return enter();
    }
    show(loginView, false);
    show(mainView, true);
    show($('#who'), true);
    $('#who-name').textContent = `${current.principal.name}${lead ? '（组长）' : ''}${current.principal.regionCode ? ` · 管辖 ${current.principal.regionCode}` : ''}`;
    await onReady({ principal: current.principal, lead });
  }
  $('#login-form')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#login-submit').disabled = true;
    say('info', '');
    try {
      await devLogin($('#login-id').value.trim());
      await enter();
    } catch (error) {
      say('error', `登录失败：${errorText(error)}`);
    } finally {
      $('#login-submit').disabled = false;
    }
  });
  $('#logout')?.addEventListener('click', () => {
    session.clear();
    location.href = '/console';
  });
  void enter();
}
