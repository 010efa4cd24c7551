// Shared by the three pages: API calls with the bearer token, error texts in Chinese, safe DOM building.
// Server-provided text only ever reaches the DOM through textContent / attributes (never innerHTML).

/** An API answer that is not 2xx, or a request that never got an answer (network: true). */
export class ApiError extends Error {
  constructor({ status = 0, code = 'NETWORK_ERROR', message = '', details = [], network = false } = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : details ? [details] : [];
    this.network = network;
  }
}

/** Chinese texts for the error codes the pages meet, used when the API's message is not already in Chinese. */
export const ERROR_TEXTS = {
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  TOKEN_MISSING: '请先登录',
  TOKEN_INVALID: '登录已失效，请重新登录',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  ROLE_NOT_ALLOWED: '当前账号无权进行此操作',
  IDENTITY_NOT_FOUND: '账号不存在',
  IDENTITY_INACTIVE: '账号已停用',
  DEV_LOGIN_DISABLED: '开发登录已关闭',
  VALIDATION_FAILED: '提交的内容有误',
  MEAL_ALREADY_TAKEN: '本餐次已就餐',
  OUTSIDE_GEOFENCE: '不在食堂范围内，无法扫码就餐',
  NO_MEAL_SLOT_OPEN: '当前不在供餐时间',
  MEAL_CODE_FORGED: '用餐码无效（签名不符）',
  MEAL_CODE_MALFORMED: '无法识别的用餐码',
  MEAL_CODE_REVOKED: '用餐码已作废',
  MEAL_CODE_EXPIRED: '用餐码已过期（已轮换）',
  MEAL_CODE_UNKNOWN_VERSION: '用餐码版本无效',
  CANTEEN_INACTIVE: '食堂已停用',
  CANTEEN_NOT_FOUND: '食堂不存在',
  DINER_INACTIVE: '账号已停用',
  IDEMPOTENCY_KEY_CONFLICT: '请求重复且内容不一致，请重新扫码',
  PASS_ALREADY_USED: '已使用',
  PASS_WRONG_CANTEEN: '非本食堂凭证',
  PASS_WRONG_SLOT: '非当前餐次',
  PASS_EXPIRED: '凭证已过期',
  PASS_FORGED: '凭证无效',
  PASS_MALFORMED: '凭证无效',
  MEAL_VOIDED: '该餐已作废',
};

const HAS_CJK = /[\u3400-\u9fff]/;

/** The text to show for an error: the API's own message when it is Chinese, else ours for the code, else the message. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return error && error.message ? String(error.message) : '发生未知错误';
  if (error.message && HAS_CJK.test(error.message)) return chinesePart(error.message);
  return ERROR_TEXTS[error.code] || error.message || error.code;
}

/** The API's messages read "中文说明 (english explanation)": the page shows the Chinese part. */
export function chinesePart(message) {
  const match = /^([^]*?[\u3400-\u9fff][^]*?) \([a-z][^]*\)$/.exec(message);
  return match ? match[1] : message;
}

/** A fetch with JSON in and out, the bearer token, and the error body mapped to ApiError. */
export async function api(path, { method = 'GET', token, body, headers = {}, accept = 'application/json', signal } = {}) {
  const init = { method, headers: { Accept: accept, ...headers }, signal, cache: 'no-store' };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    if (cause && cause.name === 'AbortError') throw cause;
    throw new ApiError({ network: true, message: '' });
  }
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let payload = {};
    if (type.includes('json')) payload = await response.json().catch(() => ({}));
    throw new ApiError({
      status: response.status,
      code: typeof payload.code === 'string' ? payload.code : `HTTP_${response.status}`,
      message: typeof payload.message === 'string' ? payload.message : '',
      details: payload.details,
    });
  }
  if (accept === 'application/json') return type.includes('json') ? response.json() : null;
  return response.text();
}

/** Creates an element; `text` goes through textContent, children are nodes or strings (text nodes). */
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

export const $ = (selector, root = document) => root.querySelector(selector);

export function show(node, visible = true) {
  node.hidden = !visible;
}

/** 1500 → "15.00 元". */
export function yuan(fen) {
  if (typeof fen !== 'number' || !Number.isFinite(fen)) return '—';
  return `${(fen / 100).toFixed(2)} 元`;
}

export const SLOT_LABELS = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };
export const slotLabel = (slot, label) => label || SLOT_LABELS[slot] || slot || '—';

export const PAYER_LABELS = { unit: '公务结算', self: '个人支付' };
export const payerLabel = (payer) => PAYER_LABELS[payer] || payer || '—';

const TIME_ZONE = 'Asia/Shanghai';

/** "12:03:07" in Beijing time. */
export function clockText(date = new Date()) {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(date);
}

/** "11月24日 12:03" in Beijing time. */
export function dateTimeText(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(date);
}

/** Today's date (YYYY-MM-DD) in Beijing. */
export function todayInShanghai(date = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** "04:59" for a number of seconds (never negative). */
export function mmss(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** A stored session (token + principal) in sessionStorage, per page. */
export function sessionStore(name) {
  const key = `meal.${name}.session`;
  return {
    load() {
      try {
        const value = JSON.parse(sessionStorage.getItem(key) || 'null');
        return value && typeof value.accessToken === 'string' ? value : null;
      } catch {
        return null;
      }
    },
    save(session) {
      sessionStorage.setItem(key, JSON.stringify(session));
    },
    clear() {
      sessionStorage.removeItem(key);
    },
  };
}

/** POST /auth/dev-login — the stand-in for 浙政钉 login. */
export async function devLogin(body) {
  const result = await api('/auth/dev-login', { method: 'POST', body });
  return { accessToken: result.accessToken, principal: result.principal, expiresAt: Date.now() + (result.expiresIn || 900) * 1000 };
}

/**
 * The login form of a staff page that needs one role (admin, settlement officer): development login with the id in
 * #login-id, then onSignedIn(result) — or `refusal` shown through say() when the identity lacks the role.
 */
export async function submitRoleLogin(event, { role, refusal, say, onSignedIn }) {
  event.preventDefault();
  $('#login-submit').disabled = true;
  say('info', '');
  try {
    const result = await devLogin({ externalIdentityId: $('#login-id').value.trim() });
    if (!result.principal.roles.includes(role)) {
      say('error', refusal);
      return;
    }
    onSignedIn(result);
  } catch (error) {
    say('error', `登录失败：${errorText(error)}`);
  } finally {
    $('#login-submit').disabled = false;
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_ELEMENTS = new Set(['svg', 'g', 'path', 'rect']);
const SVG_ATTRIBUTES = new Set(['viewBox', 'width', 'height', 'd', 'fill', 'stroke', 'stroke-width', 'x', 'y', 'shape-rendering', 'transform']);

/**
 * A QR SVG from the server rebuilt element by element: only svg/g/path/rect with geometry and colour attributes
 * survive, so nothing in the server's text can run script or load anything.
 */
export function safeSvg(text, { title } = {}) {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const source = parsed.documentElement;
  if (!source || source.nodeName !== 'svg') throw new Error('not an SVG');
  const copy = (node) => {
    const name = node.nodeName;
    if (!SVG_ELEMENTS.has(name)) return null;
    const out = document.createElementNS(SVG_NS, name);
    for (const attr of Array.from(node.attributes)) {
      if (SVG_ATTRIBUTES.has(attr.name) && !/url\s*\(|javascript:/i.test(attr.value)) out.setAttribute(attr.name, attr.value);
    }
    for (const child of Array.from(node.children)) {
      const c = copy(child);
      if (c) out.append(c);
    }
    return out;
  };
  const svg = copy(source);
  svg.setAttribute('role', 'img');
  if (title) svg.setAttribute('aria-label', title);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  return svg;
}

/** Loads the zxing UMD bundle once (self-contained @zxing/browser) and returns window.ZXingBrowser. */
let zxingLoading;
export function loadZxing() {
  if (window.ZXingBrowser) return Promise.resolve(window.ZXingBrowser);
  zxingLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/app/vendor/zxing-browser.min.js';
    script.onload = () => (window.ZXingBrowser ? resolve(window.ZXingBrowser) : reject(new Error('zxing did not load')));
    script.onerror = () => {
      zxingLoading = undefined;
      reject(new Error('无法加载扫码组件'));
    };
    document.head.append(script);
  });
  return zxingLoading;
}

/**
 * Opens the rear camera in `video` and calls onText with the first QR text decoded. Returns a stop function.
 * Throws a Chinese message when the camera is unavailable or refused.
 */
export async function startQrScanner(video, onText) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error('此浏览器不支持摄像头扫码，请使用手动输入');
  const ZX = await loadZxing();
  const reader = new ZX.BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 150 });
  // zxing-js misses some QR codes at some module sizes on every frame (a meal code at 5–8 px per module: one in five
  // or more), so a frame it cannot read at full size is tried again at 1/2 or 1/3 (in turn), which reads almost all
  // of them. The scan loop calls decodeFromCanvas for each frame; the full-size error is what it gets back, so a miss
  // keeps it scanning as before.
  const decodeFull = reader.decodeFromCanvas.bind(reader);
  const small = document.createElement('canvas');
  let misses = 0;
  reader.decodeFromCanvas = (canvas) => {
    try {
      return decodeFull(canvas);
    } catch (error) {
      const factor = 2 + (misses++ % 2);
      const width = Math.floor(canvas.width / factor);
      const height = Math.floor(canvas.height / factor);
      if (Math.min(width, height) < 160) throw error;
      try {
        if (small.width !== width || small.height !== height) Object.assign(small, { width, height });
        small.getContext('2d', { willReadFrequently: true }).drawImage(canvas, 0, 0, width, height);
        return decodeFull(small);
      } catch {
        throw error;
      }
    }
  };
  let done = false;
  let controls;
  // diagnostics on the video element (a test prints them when no code was read): stage, attempts, last miss
  const stats = video.dataset;
  stats.scanStage = 'camera';
  stats.decodeAttempts = '0';
  delete stats.lastDecodeError;
  try {
    controls = await reader.decodeFromConstraints({ audio: false, video: { facingMode: { ideal: 'environment' } } }, video, (result, error) => {
      stats.decodeAttempts = String(Number(stats.decodeAttempts) + 1);
      if (error) stats.lastDecodeError = String(error.message || error.name || error).slice(0, 100);
      if (done || !result) return;
      done = true;
      controls?.stop();
      onText(result.getText());
    });
  } catch (error) {
    const name = error && error.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new Error('未获得摄像头权限，请允许使用摄像头，或使用手动输入');
    if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new Error('未找到可用的摄像头，请使用手动输入');
    throw new Error(`无法打开摄像头：${error && error.message ? error.message : name || '未知错误'}`);
  }
  stats.scanStage = 'scanning';
  if (done) controls.stop();
  return () => {
    done = true;
    controls.stop();
  };
}

/** A random id for idempotency keys and offline confirmations (crypto.randomUUID needs a secure context; fall back). */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
