// 用餐人 diner page: 浙政钉 login (development stand-in), scan a canteen's meal code (camera or manual entry),
// the pass 就餐凭证 with a live countdown, and 我的就餐记录.
import {
  $, api, ApiError, clockText, dateTimeText, devLogin, el, errorText, mmss, newId, payerLabel, safeSvg,
  sessionStore, show, sleep, slotLabel, startQrScanner, yuan,
} from './common.js';

const session = sessionStore('diner');
/** A scan attempt waiting for its answer: the same Idempotency-Key for every retry of it. */
const ATTEMPT_KEY = 'meal.diner.attempt';
/** A code from /m/<jws> kept across the login. */
const PENDING_CODE_KEY = 'meal.diner.pendingCode';
/** The pass on screen, so a reload shows it again. */
const CURRENT_PASS_KEY = 'meal.diner.currentPass';

let config = { mealCodeBaseUrl: '' };
let stopScanner = null;
let passTimer = null;
let passState = null;

// ---- messages --------------------------------------------------------------------------------------------

function say(kind, title, text) {
  const box = $('#message');
  box.className = `message ${kind}`;
  box.replaceChildren();
  if (title) box.append(el('span', { class: 'title', text: title }));
  if (text) box.append(el('span', { text }));
  show(box, Boolean(title || text));
  if (title || text) box.scrollIntoView({ block: 'nearest' });
}
const clearMessage = () => say('info', '', '');

// ---- views -----------------------------------------------------------------------------------------------

function showView(name) {
  for (const view of ['login', 'scan', 'pass']) show($(`#${view}-view`), view === name);
  const current = session.load();
  show($('#who'), Boolean(current));
  $('#who-name').textContent = current ? current.principal.name : '';
  if (name !== 'pass') stopPassTimer();
}

function token() {
  const current = session.load();
  return current ? current.accessToken : null;
}

/** An API call as the diner; a rejected token sends the diner back to the login. */
async function call(path, options = {}) {
  try {
    return await api(path, { ...options, token: token() });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      showView('login');
      say('error', '登录已失效', '请重新登录后继续。');
    }
    throw error;
  }
}

// ---- login -----------------------------------------------------------------------------------------------

async function onLogin(event) {
  event.preventDefault();
  const id = $('#login-id').value.trim();
  if (!id) return;
  $('#login-submit').disabled = true;
  clearMessage();
  try {
    const result = await devLogin({ externalIdentityId: id });
    if (!result.principal.roles.includes('diner')) {
      say('error', '此账号不能扫码就餐', '请使用用餐人账号登录。');
      return;
    }
    session.save(result);
    await enterApp();
  } catch (error) {
    say('error', '登录失败', errorText(error));
  } finally {
    $('#login-submit').disabled = false;
  }
}

async function enterApp() {
  showView('scan');
  void loadHistory();
  const pending = sessionStorage.getItem(PENDING_CODE_KEY);
  if (pending) {
    sessionStorage.removeItem(PENDING_CODE_KEY);
    $('#manual-code').value = pending;
    await submitCode(pending);
  }
}

// ---- location --------------------------------------------------------------------------------------------

function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error('此浏览器无法获取位置，无法确认您在食堂范围内'));
      return;
    }
    $('#location-status').textContent = '正在获取位置…';
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude, accuracy } = position.coords;
        $('#location-status').textContent = `已获取位置（精度约 ${Math.round(accuracy)} 米）`;
        resolve({ latitude, longitude, accuracyMeters: Math.round(accuracy * 10) / 10 });
      },
      (error) => {
        const text =
          error.code === error.PERMISSION_DENIED
            ? '未获得定位权限：扫码就餐需要确认您在食堂范围内，请在浏览器或浙政钉设置中允许定位后重试。'
            : error.code === error.TIMEOUT
              ? '获取位置超时，请到开阔处或打开手机定位后重试。'
              : '无法获取位置，请打开手机定位后重试。';
        $('#location-status').textContent = text;
        reject(new Error(text));
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 },
    );
  });
}

// ---- scanning --------------------------------------------------------------------------------------------

/** The text of a meal code as the API expects it: the full `<base>/m/<jws>`; a bare JWS gets the base prefixed. */
function normaliseCode(text) {
  const trimmed = String(text).trim();
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(trimmed) && config.mealCodeBaseUrl) {
    return `${config.mealCodeBaseUrl.replace(/\/$/, '')}/m/${trimmed}`;
  }
  return trimmed;
}

function purpose() {
  const checked = document.querySelector('input[name=purpose]:checked');
  return checked ? checked.value : 'official';
}

/** A new scan attempt: a fresh idempotency key, remembered until the attempt has an answer. */
async function submitCode(text) {
  const code = normaliseCode(text);
  if (!code) {
    say('error', '请输入用餐码', '');
    return;
  }
  const attempt = { key: newId(), code, purpose: purpose() };
  sessionStorage.setItem(ATTEMPT_KEY, JSON.stringify(attempt));
  await runAttempt(attempt);
}

/** Sends one attempt; network failures are retried with the same Idempotency-Key, so a retry never makes a second meal. */
async function runAttempt(attempt) {
  clearMessage();
  show($('#retry-card'), false);
  setBusy(true);
  try {
    let location;
    try {
      location = await locate();
    } catch (error) {
      say('error', '无法确认位置', error.message);
      return;
    }
    const body = { code: attempt.code, latitude: location.latitude, longitude: location.longitude, accuracyMeters: location.accuracyMeters, purpose: attempt.purpose };
    let lastError;
    for (let tryNumber = 0; tryNumber < 3; tryNumber += 1) {
      try {
        const result = await call('/scans', { method: 'POST', body, headers: { 'Idempotency-Key': attempt.key } });
        sessionStorage.removeItem(ATTEMPT_KEY);
        $('#manual-code').value = '';
        await showPass(fromScan(result));
        void loadHistory();
        return;
      } catch (error) {
        lastError = error;
        if (!(error instanceof ApiError && error.network)) break;
        await sleep(800 * (tryNumber + 1));
      }
    }
    if (lastError instanceof ApiError && lastError.network) {
      say('error', '网络异常', '扫码请求未送达或未收到结果。请检查网络后点“重试本次扫码”，不会重复计餐。');
      show($('#retry-card'), true);
      return;
    }
    sessionStorage.removeItem(ATTEMPT_KEY);
    say('error', errorText(lastError), scanErrorHint(lastError));
  } finally {
    setBusy(false);
  }
}

function scanErrorHint(error) {
  if (!(error instanceof ApiError)) return '';
  switch (error.code) {
    case 'MEAL_ALREADY_TAKEN':
      return '已有的凭证可在下方“我的就餐记录”中出示。';
    case 'OUTSIDE_GEOFENCE':
      return '请到食堂内再扫码。';
    case 'NO_MEAL_SLOT_OPEN':
      return '请在食堂公布的供餐时间内扫码。';
    default:
      return error.code && !error.network ? `（${error.code}）` : '';
  }
}

function setBusy(busy) {
  for (const id of ['#scan-button', '#manual-submit', '#retry-button']) $(id).disabled = busy;
  $('#manual-submit').textContent = busy ? '正在提交…' : '提交用餐码';
}

async function openScanner() {
  clearMessage();
  show($('#scanner'), true);
  show($('#scanner-stop'), true);
  show($('#scan-button'), false);
  try {
    stopScanner = await startQrScanner($('#scanner-video'), (text) => {
      closeScanner();
      $('#manual-code').value = text;
      void submitCode(text);
    });
  } catch (error) {
    closeScanner();
    say('error', '无法扫码', error.message);
  }
}

function closeScanner() {
  if (stopScanner) stopScanner();
  stopScanner = null;
  show($('#scanner'), false);
  show($('#scanner-stop'), false);
  show($('#scan-button'), true);
}

// ---- the pass --------------------------------------------------------------------------------------------

/** The pass screen's data from a POST /scans answer. */
function fromScan(result) {
  const meal = result.meal || {};
  return {
    mealId: meal.id,
    dinerName: result.diner && result.diner.name,
    unitName: result.diner && result.diner.unitName,
    canteenName: result.canteen && result.canteen.name,
    slot: meal.slot,
    slotLabel: meal.slotLabel,
    priceFen: meal.priceFen,
    payer: meal.payer,
    scannedAt: meal.scannedAt,
    token: result.pass && result.pass.token,
    expiresAt: result.pass && result.pass.expiresAt,
  };
}

/**
 * When the pass runs out on this phone's clock: the pass's own lifetime (exp − iat, both from the server's clock)
 * counted from when it arrived, so a phone whose clock is wrong still counts down correctly. Falls back to expiresAt.
 */
function localExpiry(token, expiresAt, receivedAt = Date.now()) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '=')), (c) => c.charCodeAt(0))));
    if (Number.isFinite(claims.exp) && Number.isFinite(claims.iat) && claims.exp > claims.iat) return receivedAt + (claims.exp - claims.iat) * 1000;
  } catch {
    // not decodable: use the server's expiresAt
  }
  return new Date(expiresAt).getTime();
}

async function showPass(pass) {
  const expiresLocal = pass.expiresLocal && pass.token === pass.tokenOfExpiry ? pass.expiresLocal : localExpiry(pass.token, pass.expiresAt);
  passState = { ...pass, expiresLocal, tokenOfExpiry: pass.token, refreshing: false, lifetimeMs: Math.max(10_000, expiresLocal - Date.now()) };
  sessionStorage.setItem(CURRENT_PASS_KEY, JSON.stringify({ ...pass, expiresLocal, tokenOfExpiry: pass.token }));
  $('#pass-name').textContent = pass.dinerName || '';
  $('#pass-unit').textContent = pass.unitName || '';
  $('#pass-canteen').textContent = pass.canteenName || '';
  $('#pass-slot').textContent = slotLabel(pass.slot, pass.slotLabel);
  $('#pass-price').textContent = yuan(pass.priceFen);
  $('#pass-payer').textContent = payerLabel(pass.payer);
  $('#pass-time').textContent = pass.scannedAt ? dateTimeText(pass.scannedAt) : '—';
  showView('pass');
  await renderPassQr();
  startPassTimer();
}

async function renderPassQr() {
  const box = $('#pass-qr');
  try {
    const svgText = await call(`/meals/${encodeURIComponent(passState.mealId)}/pass.svg`, { accept: 'image/svg+xml' });
    box.replaceChildren(safeSvg(svgText, { title: '就餐凭证二维码' }));
  } catch (error) {
    box.replaceChildren(el('p', { class: 'hint', text: `二维码加载失败：${errorText(error)}` }));
  }
}

function startPassTimer() {
  stopPassTimer();
  tickPass();
  passTimer = setInterval(tickPass, 250);
}

function stopPassTimer() {
  if (passTimer) clearInterval(passTimer);
  passTimer = null;
}

function tickPass() {
  if (!passState) return;
  $('#pass-clock').textContent = clockText();
  const remainingMs = passState.expiresLocal - Date.now();
  $('#pass-remaining').textContent = mmss(remainingMs / 1000);
  // refresh well before the end: at a fifth of the lifetime left, at least 15 s before
  const refreshAt = Math.max(15_000, passState.lifetimeMs / 5);
  if (remainingMs <= refreshAt && !passState.refreshing) void refreshPass();
}

/** The `{ token, expiresAt }` of a GET /meals/:id/pass answer (flat, or under `pass`). */
function passOf(answer) {
  return answer && answer.pass && answer.pass.token ? { ...answer.pass } : { token: answer.token, expiresAt: answer.expiresAt };
}

/** GET /meals/:id/pass: a new short-lived token for the same meal, and its QR. */
async function refreshPass() {
  const state = passState;
  state.refreshing = true;
  try {
    const fresh = passOf(await call(`/meals/${encodeURIComponent(state.mealId)}/pass`));
    if (passState !== state) return;
    state.token = fresh.token;
    state.expiresAt = fresh.expiresAt;
    state.expiresLocal = localExpiry(fresh.token, fresh.expiresAt);
    state.tokenOfExpiry = fresh.token;
    state.lifetimeMs = Math.max(10_000, state.expiresLocal - Date.now());
    sessionStorage.setItem(CURRENT_PASS_KEY, JSON.stringify({ ...state, refreshing: undefined }));
    await renderPassQr();
    $('#pass-countdown').classList.remove('expired');
  } catch (error) {
    if (passState !== state) return;
    if (error instanceof ApiError && error.network) {
      await sleep(3000); // retry on the next tick
    } else {
      stopPassTimer();
      $('#pass-remaining').textContent = '00:00';
      say(error.code === 'MEAL_ALREADY_VERIFIED' || error.code === 'PASS_ALREADY_USED' ? 'info' : 'error', '凭证不再刷新', errorText(error));
      sessionStorage.removeItem(CURRENT_PASS_KEY);
      return;
    }
  } finally {
    state.refreshing = false;
  }
}

// ---- history ---------------------------------------------------------------------------------------------

function listOf(result) {
  if (Array.isArray(result)) return result;
  if (result && Array.isArray(result.items)) return result.items;
  if (result && Array.isArray(result.meals)) return result.meals;
  return [];
}

const MEAL_STATUS = { scanned: '待核销', issued: '待核销', verified: '已核销', voided: '已作废', refunded: '已退款' };

async function loadHistory() {
  const list = $('#history');
  try {
    const meals = listOf(await call('/meals/mine'));
    list.replaceChildren(
      ...meals.map((meal) => {
        const canteenName = (meal.canteen && meal.canteen.name) || meal.canteenName || '';
        const status = MEAL_STATUS[meal.status] || meal.status || '';
        const item = el(
          'li',
          { dataset: { mealId: meal.id } },
          el('div', {}, el('div', { class: 'main', text: `${canteenName} · ${slotLabel(meal.slot, meal.slotLabel)}` }), el('div', { class: 'sub', text: meal.scannedAt ? dateTimeText(meal.scannedAt) : meal.mealDate || '' })),
          el('div', { style: 'text-align:right' }, el('div', { class: 'main', text: yuan(meal.priceFen) }), el('div', { class: 'sub', text: `${payerLabel(meal.payer)} · ${status}` })),
        );
        if (meal.status === 'scanned' || meal.status === 'issued') {
          item.append(el('button', { type: 'button', class: 'btn small secondary', text: '出示凭证', onclick: () => void reopenPass(meal) }));
        }
        return item;
      }),
    );
    show($('#history-empty'), meals.length === 0);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) list.replaceChildren(el('li', { class: 'hint', text: `就餐记录加载失败：${errorText(error)}` }));
  }
}

/** A pass for a meal of the history (a new token from GET /meals/:id/pass). */
async function reopenPass(meal) {
  clearMessage();
  try {
    const answer = await call(`/meals/${encodeURIComponent(meal.id)}/pass`);
    const fresh = { ...answer, ...passOf(answer) };
    const current = session.load();
    await showPass({
      mealId: meal.id,
      dinerName: fresh.dinerName || (fresh.diner && fresh.diner.name) || (current && current.principal.name),
      unitName: fresh.unitName || (fresh.diner && fresh.diner.unitName) || meal.unitName || '',
      canteenName: fresh.canteenName || (fresh.canteen && fresh.canteen.name) || (meal.canteen && meal.canteen.name) || meal.canteenName,
      slot: meal.slot,
      slotLabel: meal.slotLabel,
      priceFen: meal.priceFen,
      payer: meal.payer,
      scannedAt: meal.scannedAt,
      token: fresh.token,
      expiresAt: fresh.expiresAt,
    });
  } catch (error) {
    say('error', '无法出示凭证', errorText(error));
  }
}

// ---- start -----------------------------------------------------------------------------------------------

async function start() {
  try {
    config = await api('/app/config.json');
  } catch {
    // the page still works with full code texts
  }
  const landing = /^\/m\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\/?$/.exec(location.pathname);
  if (landing) {
    sessionStorage.setItem(PENDING_CODE_KEY, normaliseCode(landing[1]));
    history.replaceState(null, '', '/app/diner');
  }

  $('#login-form').addEventListener('submit', onLogin);
  $('#logout').addEventListener('click', () => {
    session.clear();
    sessionStorage.removeItem(CURRENT_PASS_KEY);
    closeScanner();
    passState = null;
    clearMessage();
    showView('login');
  });
  $('#scan-button').addEventListener('click', () => void openScanner());
  $('#scanner-stop').addEventListener('click', closeScanner);
  $('#manual-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void submitCode($('#manual-code').value);
  });
  $('#retry-button').addEventListener('click', () => {
    const attempt = JSON.parse(sessionStorage.getItem(ATTEMPT_KEY) || 'null');
    if (attempt) void runAttempt(attempt);
  });
  $('#history-refresh').addEventListener('click', () => void loadHistory());
  $('#pass-back').addEventListener('click', () => {
    passState = null;
    sessionStorage.removeItem(CURRENT_PASS_KEY);
    clearMessage();
    showView('scan');
    void loadHistory();
  });

  if (!session.load()) {
    show($('#pending-code-hint'), Boolean(sessionStorage.getItem(PENDING_CODE_KEY)));
    showView('login');
    $('#login-id').focus();
    return;
  }
  const saved = JSON.parse(sessionStorage.getItem(CURRENT_PASS_KEY) || 'null');
  if (saved && saved.mealId && !sessionStorage.getItem(PENDING_CODE_KEY)) {
    await showPass(saved);
    if (!(saved.expiresLocal > Date.now())) void refreshPass();
    return;
  }
  const attempt = JSON.parse(sessionStorage.getItem(ATTEMPT_KEY) || 'null');
  await enterApp();
  if (attempt) {
    say('warn', '上次扫码未完成', '可点“重试本次扫码”继续，不会重复计餐。');
    show($('#retry-card'), true);
  }
}

void start();
