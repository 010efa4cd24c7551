// 食堂终端 terminal page: verify passes (scanner gun / paste + Enter, or the camera), show each result big,
// today's counts per slot pushed over Server-Sent Events, and offline verification with a local queue.
import {
  $, api, ApiError, dateTimeText, devLogin, el, errorText, newId, payerLabel, sessionStore, show, sleep,
  SLOT_LABELS, slotLabel, startQrScanner, todayInShanghai, yuan,
} from './common.js';

const session = sessionStore('terminal');
const TERMINAL_CODE_KEY = 'meal.terminal.code';
const queueKey = (canteenId) => `meal.terminal.offlineQueue.${canteenId}`;
const passKeyKey = (canteenId) => `meal.terminal.passKey.${canteenId}`;
const seenKey = (canteenId) => `meal.terminal.seen.${canteenId}`;
const VERDICT_MS = 6000;

const REASONS = {
  PASS_ALREADY_USED: '已使用',
  PASS_WRONG_CANTEEN: '非本食堂凭证',
  PASS_WRONG_SLOT: '非当前餐次',
  PASS_EXPIRED: '凭证已过期',
  PASS_FORGED: '凭证无效',
  PASS_MALFORMED: '凭证无效',
  MEAL_VOIDED: '该餐已作废',
};

let streamController = null;
let streamRunning = false;
let verdictTimer = null;
let stopScanner = null;
let lastSummary = null;
let syncing = false;
/** Meals verified or queued by this page (their stream echo is not listed twice). */
const verifiedHere = new Set();

// ---- session ---------------------------------------------------------------------------------------------

function principal() {
  const current = session.load();
  return current ? current.principal : null;
}

function say(kind, text) {
  const box = $('#message');
  box.className = `message ${kind}`;
  box.textContent = text || '';
  show(box, Boolean(text));
}

/** Logs in again with the remembered terminal code (a terminal is a kiosk: an expired token must not stop it). */
async function relogin() {
  const code = localStorage.getItem(TERMINAL_CODE_KEY);
  if (!code) throw new ApiError({ status: 401, code: 'TOKEN_EXPIRED' });
  session.save(await devLogin({ terminalCode: code }));
}

/** An API call as the terminal; one automatic re-login on 401. */
async function call(path, options = {}) {
  const current = session.load();
  try {
    return await api(path, { ...options, token: current && current.accessToken });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && localStorage.getItem(TERMINAL_CODE_KEY)) {
      await relogin();
      return api(path, { ...options, token: session.load().accessToken });
    }
    throw error;
  }
}

async function onLogin(event) {
  event.preventDefault();
  const code = $('#terminal-code').value.trim();
  if (!code) return;
  $('#login-submit').disabled = true;
  say('info', '');
  try {
    const result = await devLogin({ terminalCode: code });
    if (result.principal.kind !== 'terminal' || !result.principal.canteenId) {
      say('error', '请使用食堂终端编号登录');
      return;
    }
    localStorage.setItem(TERMINAL_CODE_KEY, code);
    session.save(result);
    enterApp();
  } catch (error) {
    say('error', `登录失败：${errorText(error)}`);
  } finally {
    $('#login-submit').disabled = false;
  }
}

function logout() {
  streamRunning = false;
  if (streamController) streamController.abort();
  closeScanner();
  session.clear();
  localStorage.removeItem(TERMINAL_CODE_KEY);
  showLogin();
}

function showLogin() {
  show($('#login-view'), true);
  show($('#main-view'), false);
  show($('#who'), false);
  $('#terminal-code').focus();
}

function enterApp() {
  const who = principal();
  show($('#login-view'), false);
  show($('#main-view'), true);
  show($('#who'), true);
  $('#who-name').textContent = who.name;
  renderQueueLength();
  renderNetwork();
  void loadPassKey();
  void loadSummary();
  void startStream();
  void syncQueue();
  focusInput();
}

function focusInput() {
  const input = $('#pass-input');
  if (input && !$('#main-view').hidden) input.focus();
}

// ---- verification ----------------------------------------------------------------------------------------

async function verify(rawPass) {
  const pass = String(rawPass).trim();
  if (!pass) return;
  $('#pass-input').value = '';
  const claimed = decodeClaims(pass);
  if (claimed && typeof claimed.m === 'string') verifiedHere.add(claimed.m); // its stream echo may arrive before the answer
  try {
    const result = await call('/terminal/verifications', { method: 'POST', body: { pass } });
    const claims = decodeClaims(pass);
    const mealId = result.meal && result.meal.id ? result.meal.id : claims && claims.m;
    verifiedHere.add(mealId);
    rememberSeen(mealId);
    showVerdict({
      kind: 'accepted',
      mark: '✓',
      title: '核销成功',
      name: (result.diner && result.diner.name) || (claims && claims.n) || '',
      detail: [result.diner && result.diner.unitName, slotLabel(result.slot, result.slotLabel), yuan(result.priceFen), payerLabel(result.payer)].filter(Boolean).join(' · '),
    });
  } catch (error) {
    if (error instanceof ApiError && error.network) {
      await verifyOffline(pass);
      return;
    }
    // the claims of a pass the server did not accept are shown only when its signature was good (not forged or unreadable)
    const claims = error.code === 'PASS_FORGED' || error.code === 'PASS_MALFORMED' ? null : decodeClaims(pass);
    showVerdict({
      kind: 'rejected',
      mark: '✗',
      title: REASONS[error.code] || '核销失败',
      name: claims && typeof claims.n === 'string' ? claims.n : '',
      detail: claims ? [claims.u, slotLabel(claims.s)].filter(Boolean).join(' · ') : '',
      reason: rejectionReason(error),
    });
  }
}

/** The used-at time of PASS_ALREADY_USED, wherever the body carries it (details as object or list). */
function usedAtOf(error) {
  const details = error.details || [];
  for (const detail of details) {
    if (!detail || typeof detail !== 'object') continue;
    if (detail.usedAt) return detail.usedAt;
    if (detail.verifiedAt) return detail.verifiedAt;
    if ((detail.field === 'usedAt' || detail.field === 'verifiedAt') && detail.message) return detail.message;
  }
  return null;
}

function rejectionReason(error) {
  const text = errorText(error);
  if (error.code === 'PASS_ALREADY_USED' && !/\d{1,2}:\d{2}/.test(text)) {
    const usedAt = usedAtOf(error);
    return usedAt ? `已使用：${dateTimeText(usedAt)} 已核销` : '已使用';
  }
  return text;
}

function showVerdict({ kind, mark, title, name, detail, reason }) {
  const box = $('#verdict');
  box.className = `verdict ${kind}`;
  box.dataset.kind = kind;
  $('#verdict-mark').textContent = mark;
  $('#verdict-title').textContent = title;
  $('#verdict-name').textContent = name || '';
  $('#verdict-detail').textContent = detail || '';
  $('#verdict-reason').textContent = reason || '';
  show(box, true);
  addFeed({ kind, title, name, detail: reason || detail, at: new Date() });
  if (verdictTimer) clearTimeout(verdictTimer);
  verdictTimer = setTimeout(hideVerdict, VERDICT_MS);
  focusInput();
}

function hideVerdict() {
  show($('#verdict'), false);
  focusInput();
}

function addFeed({ kind, title, name, detail, at }) {
  const feed = $('#feed');
  const tag = kind === 'accepted' ? 'ok' : kind === 'offline' ? 'warn' : 'bad';
  feed.prepend(
    el(
      'li',
      { dataset: { kind } },
      el('div', {}, el('div', { class: 'main', text: `${name || '—'}` }), el('div', { class: 'sub', text: detail || '' })),
      el('div', { style: 'text-align:right' }, el('span', { class: `tag ${tag}`, text: title }), el('div', { class: 'sub', text: dateTimeText(at) })),
    ),
  );
  while (feed.children.length > 12) feed.lastElementChild.remove();
}

// ---- offline ---------------------------------------------------------------------------------------------

function base64UrlBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(b64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function decodePart(part) {
  try {
    return JSON.parse(new TextDecoder().decode(base64UrlBytes(part)));
  } catch {
    return null;
  }
}

/** The claims of a pass, unverified (for display only). */
function decodeClaims(pass) {
  const parts = String(pass).split('.');
  return parts.length === 3 ? decodePart(parts[1]) : null;
}

async function loadPassKey() {
  const who = principal();
  try {
    const key = await call('/terminal/pass-key');
    if (key && key.jwk) localStorage.setItem(passKeyKey(who.canteenId), JSON.stringify({ kid: key.kid || key.jwk.kid, jwk: key.jwk }));
  } catch {
    // keep the cached key
  }
}

function loadSeen(canteenId) {
  try {
    const seen = JSON.parse(localStorage.getItem(seenKey(canteenId)) || '{}');
    return seen.date === todayInShanghai() && Array.isArray(seen.ids) ? seen : { date: todayInShanghai(), ids: [] };
  } catch {
    return { date: todayInShanghai(), ids: [] };
  }
}

/** Meals this terminal saw verified today: an offline scan of one of them is a replay. */
function rememberSeen(mealId) {
  const who = principal();
  if (!mealId || !who) return;
  const seen = loadSeen(who.canteenId);
  if (!seen.ids.includes(mealId)) seen.ids.push(mealId);
  if (seen.ids.length > 5000) seen.ids.splice(0, seen.ids.length - 5000);
  localStorage.setItem(seenKey(who.canteenId), JSON.stringify(seen));
}

function loadQueue() {
  const who = principal();
  try {
    const queue = JSON.parse(localStorage.getItem(queueKey(who.canteenId)) || '[]');
    return Array.isArray(queue) ? queue : [];
  } catch {
    return [];
  }
}

function saveQueue(queue) {
  localStorage.setItem(queueKey(principal().canteenId), JSON.stringify(queue));
  renderQueueLength();
}

function renderQueueLength() {
  const who = principal();
  $('#queue-length').textContent = who ? String(loadQueue().length) : '0';
}

/** "HH:MM" now in Beijing. */
function beijingHourMinute() {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date());
}

/**
 * The slot open now: from the slot hours of the last summary and this terminal's clock (so it stays right while
 * offline across a slot change), else the summary's currentSlot. `undefined` when nothing is known.
 */
function currentSlot() {
  if (!lastSummary) return undefined;
  const withHours = (lastSummary.slots || []).filter((s) => typeof s.opensAt === 'string' && typeof s.closesAt === 'string');
  if (withHours.length > 0) {
    const now = beijingHourMinute();
    const open = withHours.find((s) => s.opensAt.slice(0, 5) <= now && now < s.closesAt.slice(0, 5));
    return open ? open.slot : null;
  }
  return typeof lastSummary.currentSlot === 'string' || lastSummary.currentSlot === null ? lastSummary.currentSlot : undefined;
}

/**
 * Offline: the pass signature checked with the canteen's public key (ES256: the JWS signature is raw r||s, as
 * WebCrypto expects), then canteen, meal date, slot and expiry from the claims, and no replay of a meal this
 * terminal already saw. Accepted passes are queued for POST /terminal/offline-confirmations.
 */
async function verifyOffline(pass) {
  const who = principal();
  const refuse = (title, reason, claims) =>
    showVerdict({ kind: 'rejected', mark: '✗', title, name: claims && typeof claims.n === 'string' ? claims.n : '', detail: '离线校验', reason });
  const parts = pass.split('.');
  if (parts.length !== 3) return refuse('凭证无效', '无法识别的凭证（离线校验）', null);
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (!header || !claims || header.alg !== 'ES256' || claims.kind !== 'meal-pass') return refuse('凭证无效', '无法识别的凭证（离线校验）', null);
  const cached = JSON.parse(localStorage.getItem(passKeyKey(who.canteenId)) || 'null');
  if (!cached || !cached.jwk) return refuse('无法离线核销', '网络中断且本机没有验签公钥，请恢复网络后再试', claims);
  if (cached.kid && header.kid && cached.kid !== header.kid) {
    return refuse(claims.c !== who.canteenId ? '非本食堂凭证' : '凭证无效', '签名密钥不符（离线校验）', claims);
  }
  let valid = false;
  try {
    const { kty, crv, x, y } = cached.jwk;
    const key = await crypto.subtle.importKey('jwk', { kty, crv, x, y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, base64UrlBytes(parts[2]), new TextEncoder().encode(`${parts[0]}.${parts[1]}`));
  } catch {
    valid = false;
  }
  if (!valid) return refuse('凭证无效', '签名校验失败（离线校验）', claims);
  if (claims.c !== who.canteenId) return refuse('非本食堂凭证', '该凭证不是本食堂签发的', claims);
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return refuse('凭证已过期', '请用餐人刷新凭证后重新出示', claims);
  if (claims.md && claims.md !== todayInShanghai()) return refuse('非当前餐次', `凭证日期 ${claims.md}`, claims);
  const slotNow = currentSlot();
  if (slotNow === null) return refuse('非当前餐次', `凭证为${slotLabel(claims.s)}，当前不在供餐时间`, claims);
  if (slotNow && claims.s !== slotNow) return refuse('非当前餐次', `凭证为${slotLabel(claims.s)}，当前为${SLOT_LABELS[slotNow] || slotNow}`, claims);
  const queue = loadQueue();
  if (loadSeen(who.canteenId).ids.includes(claims.m) || queue.some((entry) => decodeClaims(entry.pass)?.m === claims.m)) {
    return refuse('已使用', '该凭证已在本机核销（离线校验）', claims);
  }
  queue.push({ confirmationId: newId(), pass, verifiedAt: new Date().toISOString() });
  saveQueue(queue);
  verifiedHere.add(claims.m);
  rememberSeen(claims.m);
  showVerdict({
    kind: 'offline',
    mark: '✓',
    title: '离线核销',
    name: typeof claims.n === 'string' ? claims.n : '',
    detail: [claims.u, slotLabel(claims.s), yuan(claims.p)].filter(Boolean).join(' · '),
    reason: `网络中断：已离线核销，待同步 ${queue.length} 条`,
  });
}

/** Sends the offline queue; every confirmation the server answered leaves the queue (accepted, duplicate or refused). */
async function syncQueue() {
  if (syncing || !principal()) return;
  const queue = loadQueue();
  if (queue.length === 0) return;
  syncing = true;
  try {
    const batch = queue.slice(0, 100);
    const answer = await call('/terminal/offline-confirmations', { method: 'POST', body: { confirmations: batch } });
    const results = Array.isArray(answer) ? answer : (answer && answer.results) || [];
    const done = new Map(results.map((r) => [r.confirmationId, r]));
    saveQueue(loadQueue().filter((entry) => !done.has(entry.confirmationId)));
    for (const entry of batch) {
      const r = done.get(entry.confirmationId);
      if (!r) continue;
      const claims = decodeClaims(entry.pass) || {};
      if (r.outcome === 'refused') {
        addFeed({ kind: 'rejected', title: '离线同步被拒', name: claims.n, detail: r.message || REASONS[r.code] || r.code || '', at: new Date() });
      } else {
        addFeed({ kind: 'accepted', title: r.outcome === 'duplicate' ? '离线同步（重复）' : '离线同步成功', name: claims.n, detail: slotLabel(claims.s), at: new Date() });
      }
    }
    if (loadQueue().length > 0) setTimeout(() => void syncQueue(), 500);
  } catch {
    // still offline; retried on the next online event, stream connect or timer
  } finally {
    syncing = false;
  }
}

function renderNetwork() {
  $('#network-status').textContent = navigator.onLine ? '网络正常' : '网络中断（离线核销）';
}

// ---- summary and live stream -----------------------------------------------------------------------------

async function loadSummary() {
  try {
    renderSummary(await call('/terminal/summary'));
  } catch {
    // the stream brings it
  }
}

function renderSummary(summary) {
  if (!summary || !Array.isArray(summary.slots)) return;
  lastSummary = summary;
  $('#summary-date').textContent = [summary.canteenName, summary.mealDate].filter(Boolean).join(' · ');
  if (summary.canteenName) $('#who-name').textContent = `${summary.canteenName} · ${principal().name}`;
  const now = currentSlot();
  $('#counts').replaceChildren(
    ...summary.slots.map((s) =>
      el(
        'div',
        { class: `count${s.slot === now ? ' current' : ''}`, dataset: { slot: s.slot, verified: String(s.verified ?? 0), scanned: String(s.scanned ?? 0) } },
        el('div', { class: 'label', text: slotLabel(s.slot, s.slotLabel) }),
        el('div', { class: 'n', text: String(s.verified ?? 0) }),
        el('div', { class: 's', text: '已核销' }),
        el('div', { class: 's', text: `已扫码 ${s.scanned ?? 0}` }),
      ),
    ),
  );
}

function setStreamStatus(live, text) {
  $('#stream-dot').className = `dot ${live ? 'live' : 'down'}`;
  $('#stream-status').textContent = text;
}

function onStreamEvent(name, data) {
  let payload;
  try {
    payload = JSON.parse(data);
  } catch {
    return;
  }
  if (name === 'summary') renderSummary(payload.summary || payload);
  if (name === 'verification' && payload.result === 'accepted') {
    const mealId = payload.mealId || (payload.meal && payload.meal.id);
    // verifications this page did not make itself (another terminal of the canteen, a synced offline batch)
    if (mealId && !verifiedHere.has(mealId)) {
      addFeed({
        kind: 'accepted',
        title: payload.offline ? '离线核销入账' : '核销成功（推送）',
        name: payload.dinerName,
        detail: [payload.unitName, slotLabel(payload.slot, payload.slotLabel)].filter(Boolean).join(' · '),
        at: payload.at ? new Date(payload.at) : new Date(),
      });
    }
    rememberSeen(mealId);
  }
}

/** GET /terminal/stream read with fetch (the Authorization header, which EventSource cannot send); reconnects with backoff. */
async function startStream() {
  if (streamRunning) return;
  streamRunning = true;
  let backoff = 1000;
  while (streamRunning && principal()) {
    streamController = new AbortController();
    try {
      const current = session.load();
      const response = await fetch('/terminal/stream', {
        headers: { Authorization: `Bearer ${current.accessToken}`, Accept: 'text/event-stream' },
        signal: streamController.signal,
        cache: 'no-store',
      });
      if (response.status === 401) {
        await relogin();
        continue;
      }
      if (!response.ok || !response.body) throw new Error(`stream HTTP ${response.status}`);
      setStreamStatus(true, '实时连接');
      backoff = 1000;
      void syncQueue();
      void loadPassKey();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let boundary;
        while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + (buffer[boundary] === '\r' ? 4 : 2));
          let event = 'message';
          const data = [];
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = val;
            else if (field === 'data') data.push(val);
          }
          if (data.length) onStreamEvent(event, data.join('\n'));
        }
      }
    } catch (error) {
      if (!streamRunning) return;
      if (error instanceof ApiError && error.status === 401) {
        logout();
        say('error', '终端登录已失效，请重新登录');
        return;
      }
    }
    if (!streamRunning) return;
    setStreamStatus(false, `连接中断，${Math.round(backoff / 1000)} 秒后重连…`);
    await sleep(backoff + Math.random() * 300);
    backoff = Math.min(backoff * 2, 30000);
  }
}

// ---- camera ----------------------------------------------------------------------------------------------

async function openCamera() {
  show($('#scanner'), true);
  show($('#camera-stop'), true);
  show($('#camera-button'), false);
  try {
    stopScanner = await startQrScanner($('#scanner-video'), (text) => {
      closeScanner();
      void verify(text);
    });
  } catch (error) {
    closeScanner();
    say('error', error.message);
  }
}

function closeScanner() {
  if (stopScanner) stopScanner();
  stopScanner = null;
  show($('#scanner'), false);
  show($('#camera-stop'), false);
  show($('#camera-button'), true);
}

// ---- start -----------------------------------------------------------------------------------------------

function start() {
  $('#login-form').addEventListener('submit', onLogin);
  $('#logout').addEventListener('click', logout);
  $('#verify-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void verify($('#pass-input').value);
  });
  $('#verdict').addEventListener('click', hideVerdict);
  $('#camera-button').addEventListener('click', () => void openCamera());
  $('#camera-stop').addEventListener('click', closeScanner);
  $('#sync-button').addEventListener('click', () => void syncQueue());
  window.addEventListener('online', () => {
    renderNetwork();
    void syncQueue();
  });
  window.addEventListener('offline', renderNetwork);
  // a scanner gun types into whatever has focus: keep it on the pass input
  document.addEventListener('keydown', (event) => {
    const input = $('#pass-input');
    if (!$('#main-view').hidden && document.activeElement !== input && !(event.target instanceof HTMLInputElement)) input.focus();
  });
  setInterval(() => void syncQueue(), 15000);

  const remembered = localStorage.getItem(TERMINAL_CODE_KEY);
  if (remembered) $('#terminal-code').value = remembered;
  if (principal()) enterApp();
  else showLogin();
}

start();
