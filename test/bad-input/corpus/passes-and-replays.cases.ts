import { randomUUID } from 'node:crypto';
import { HttpCase } from './corpus.types';
import { decodePart, flipSignature, newEcKey, partsOf, signEs256, signHs256, unsigned, withHeader, withPayload } from '../support/forge';

/** What the pass and replay cases are built from (set up by the spec: real scans and verifications first). */
export interface PassCorpusContext {
  canteenId: string;
  otherCanteenId: string;
  /** A valid, unused pass of a meal at canteen A (never consumed by the corpus: only altered copies are sent). */
  freshPass: string;
  /** A valid pass of a meal at canteen B. */
  otherCanteenPass: string;
  /** A pass of canteen A already verified once. */
  usedPass: string;
  /** A pass of canteen A whose meal was voided (with `voidKey`). */
  voidedPass: string;
  voidedMealId: string;
  voidKey: string;
  /** The id of the (issued) meal of `freshPass`. */
  freshMealId: string;
  /** Signs pass claims with canteen A's REAL pass key and kid (an insider: right key, wrong slot/day/meal). */
  signWithCanteenKey(claims: Record<string, unknown>): string;
  passKid: string;
  passPublicKeyPem: string;
  mealCodeText: string;
  loginToken: string;
  /** The pinned server time (seconds) and Shanghai date. */
  nowSeconds: number;
  today: string;
  /** The diner's scan that made the fresh meal: replays reuse it. */
  scan: { key: string; body: { code: string; latitude: number; longitude: number; accuracyMeters?: number; purpose?: string } };
}

function dayOffset(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * 就餐凭证 forged, altered, for another canteen / slot / day, expired, replayed; and replays of scans (the
 * Idempotency-Key reused with another body), of voids and of offline uploads. Each must be refused with its code and
 * leave every table as it was (an offline upload records its refused/duplicate confirmation, nothing else).
 */
export function passAndReplayCases(ctx: PassCorpusContext): HttpCase[] {
  const claims = decodePart(partsOf(ctx.freshPass)[1]);
  const stranger = newEcKey();
  const passHeader = { alg: 'ES256', typ: 'meal-pass', kid: ctx.passKid };
  const fresh = { iat: ctx.nowSeconds - 10, exp: ctx.nowSeconds + 290 };

  const verify = (name: string, pass: unknown, status: number, code: string, as: 'terminal' | 'terminalB' = 'terminal'): HttpCase => ({
    name,
    category: 'passes-and-replays',
    request: { service: 'canteen', method: 'POST', path: '/terminal/verifications', as, json: { pass } },
    expect: { status, code },
  });
  const scan = (name: string, key: string | undefined, body: unknown, status: number, code?: string): HttpCase => ({
    name,
    category: 'passes-and-replays',
    request: { service: 'canteen', method: 'POST', path: '/scans', as: 'diner', headers: key === undefined ? {} : { 'Idempotency-Key': key }, json: body },
    expect: { status, code },
  });
  const voidMeal = (name: string, mealId: string, key: string, reason: unknown, status: number, code?: string, as: 'admin' | 'terminalB' = 'admin'): HttpCase => ({
    name,
    category: 'passes-and-replays',
    request: { service: 'canteen', method: 'POST', path: `/meals/${mealId}/void`, as, headers: { 'Idempotency-Key': key }, json: { reason } },
    expect: { status, code },
  });
  const offlineConfirmationId = randomUUID();
  const offline = (name: string, items: unknown, status: number, expected: { outcome: string; code?: string } | undefined, rows: number, code?: string): HttpCase => ({
    name,
    category: 'passes-and-replays',
    request: { service: 'canteen', method: 'POST', path: '/terminal/offline-confirmations', as: 'terminal', json: { confirmations: items } },
    expect: { status, code },
    rows: rows ? { terminal_confirmations: rows } : {},
    check: async ({ body }) => {
      if (!expected) return undefined;
      const result = (body as { results?: { outcome: string; code?: string }[] }).results?.[0];
      if (result?.outcome !== expected.outcome || (expected.code && result.code !== expected.code)) {
        return `offline outcome ${JSON.stringify(result)} instead of ${JSON.stringify(expected)}`;
      }
      return undefined;
    },
  });

  return [
    // not a pass
    verify('empty pass', '', 400, 'VALIDATION_FAILED'),
    verify('pass is a number', 42, 400, 'VALIDATION_FAILED'),
    verify('garbage text', 'hello terminal', 422, 'PASS_MALFORMED'),
    verify('the canteen meal code URL as a pass', ctx.mealCodeText, 422, 'PASS_MALFORMED'),
    verify('the meal code JWS as a pass', ctx.mealCodeText.slice(ctx.mealCodeText.indexOf('/m/') + 3), 422, 'PASS_FORGED'),
    verify('a login token as a pass', ctx.loginToken, 422, 'PASS_FORGED'),
    verify('longer than 4096 characters', `${ctx.freshPass}${'A'.repeat(4100)}`, 400, 'VALIDATION_FAILED'),
    verify('SQL injection as a pass', "x'; UPDATE meals SET status = 'verified'; --", 422, 'PASS_MALFORMED'),
    // truncated / altered
    verify('signature cut short', ctx.freshPass.slice(0, -8), 422, 'PASS_FORGED'),
    verify('signature removed, dot kept', ctx.freshPass.slice(0, ctx.freshPass.lastIndexOf('.') + 1), 422, 'PASS_MALFORMED'),
    verify('one signature character flipped', flipSignature(ctx.freshPass), 422, 'PASS_FORGED'),
    verify('price lowered to 0', withPayload(ctx.freshPass, (c) => ({ ...c, p: 0 })), 422, 'PASS_FORGED'),
    verify('name replaced by a script', withPayload(ctx.freshPass, (c) => ({ ...c, n: '<img src=x onerror=window.__xss=1>' })), 422, 'PASS_FORGED'),
    verify('expiry extended by a day', withPayload(ctx.freshPass, (c) => ({ ...c, exp: Number(c.exp) + 86_400 })), 422, 'PASS_FORGED'),
    verify('meal id swapped', withPayload(ctx.freshPass, (c) => ({ ...c, m: ctx.voidedMealId })), 422, 'PASS_FORGED'),
    verify('kid header swapped', withHeader(ctx.freshPass, (x) => ({ ...x, kid: 'another-key' })), 422, 'PASS_FORGED'),
    verify('claims missing (ids not uuids)', withPayload(ctx.freshPass, (c) => ({ ...c, m: '1 OR 1=1' })), 422, 'PASS_MALFORMED'),
    // forged
    verify('alg none', unsigned({ alg: 'none', typ: 'meal-pass', kid: ctx.passKid }, claims), 422, 'PASS_MALFORMED'),
    verify('alg none with a junk signature', unsigned({ alg: 'none', typ: 'meal-pass', kid: ctx.passKid }, claims, 'AAAA'), 422, 'PASS_FORGED'),
    verify('HS256 signed with the canteen public key (HS/RS confusion)', signHs256({ ...passHeader, alg: 'HS256' }, claims, ctx.passPublicKeyPem), 422, 'PASS_FORGED'),
    verify('ES256 header, HMAC signature', signHs256(passHeader, claims, ctx.passPublicKeyPem), 422, 'PASS_FORGED'),
    verify('stranger key with the canteen kid', signEs256(passHeader, { ...claims, ...fresh }, stranger.privateKey), 422, 'PASS_FORGED'),
    verify('pass for canteen B signed with canteen A key', ctx.signWithCanteenKey({ ...claims, ...fresh, c: ctx.otherCanteenId }), 422, 'PASS_FORGED'),
    // another canteen, slot, day; expired; unknown meal
    verify('real pass of another canteen', ctx.otherCanteenPass, 422, 'PASS_WRONG_CANTEEN'),
    verify('canteen A pass at canteen B terminal', ctx.freshPass, 422, 'PASS_WRONG_CANTEEN', 'terminalB'),
    verify('pass for the dinner slot at lunch', ctx.signWithCanteenKey({ ...claims, ...fresh, s: 'dinner' }), 422, 'PASS_WRONG_SLOT'),
    verify('pass for breakfast at lunch', ctx.signWithCanteenKey({ ...claims, ...fresh, s: 'breakfast' }), 422, 'PASS_WRONG_SLOT'),
    verify('pass for yesterday', ctx.signWithCanteenKey({ ...claims, ...fresh, md: dayOffset(ctx.today, -1) }), 422, 'PASS_WRONG_SLOT'),
    verify('pass for tomorrow', ctx.signWithCanteenKey({ ...claims, ...fresh, md: dayOffset(ctx.today, 1) }), 422, 'PASS_WRONG_SLOT'),
    verify('pass for an unknown slot', ctx.signWithCanteenKey({ ...claims, ...fresh, s: 'midnight-snack' }), 422, 'PASS_WRONG_SLOT'),
    verify('expired pass', ctx.signWithCanteenKey({ ...claims, iat: ctx.nowSeconds - 600, exp: ctx.nowSeconds - 300 }), 410, 'PASS_EXPIRED'),
    verify('pass of a meal that does not exist', ctx.signWithCanteenKey({ ...claims, ...fresh, m: randomUUID() }), 404, 'MEAL_NOT_FOUND'),
    // replays of passes
    verify('pass consumed twice', ctx.usedPass, 409, 'PASS_ALREADY_USED'),
    verify('pass of a voided meal', ctx.voidedPass, 410, 'MEAL_VOIDED'),
    offline('used pass uploaded offline → duplicate, meal not verified again', [{ confirmationId: offlineConfirmationId, pass: ctx.usedPass, verifiedAt: new Date(ctx.nowSeconds * 1000).toISOString() }], 200, { outcome: 'duplicate', code: 'PASS_ALREADY_USED' }, 1),
    offline('same offline confirmation uploaded again', [{ confirmationId: offlineConfirmationId, pass: ctx.usedPass, verifiedAt: new Date(ctx.nowSeconds * 1000).toISOString() }], 200, { outcome: 'duplicate' }, 0),
    offline('forged pass uploaded offline → refused', [{ confirmationId: randomUUID(), pass: flipSignature(ctx.freshPass), verifiedAt: new Date(ctx.nowSeconds * 1000).toISOString() }], 200, { outcome: 'refused', code: 'PASS_FORGED' }, 1),
    offline('offline verifiedAt not a timestamp', [{ confirmationId: randomUUID(), pass: ctx.freshPass, verifiedAt: "now'); DROP TABLE meals; --" }], 400, undefined, 0, 'VALIDATION_FAILED'),
    offline('offline confirmation id not a uuid', [{ confirmationId: "1' OR '1'='1", pass: ctx.freshPass, verifiedAt: new Date(ctx.nowSeconds * 1000).toISOString() }], 400, undefined, 0, 'VALIDATION_FAILED'),
    offline('no confirmations', [], 400, undefined, 0, 'VALIDATION_FAILED'),
    // replays of scans
    scan('idempotency key reused with other coordinates', ctx.scan.key, { ...ctx.scan.body, latitude: ctx.scan.body.latitude + 0.0001 }, 422, 'IDEMPOTENCY_KEY_REUSED'),
    scan('idempotency key reused with purpose official', ctx.scan.key, { ...ctx.scan.body, purpose: ctx.scan.body.purpose === 'official' ? 'personal' : 'official' }, 422, 'IDEMPOTENCY_KEY_REUSED'),
    scan('idempotency key reused with another code', ctx.scan.key, { ...ctx.scan.body, code: `${ctx.scan.body.code} ` + 'x' }, 422, 'IDEMPOTENCY_KEY_REUSED'),
    scan('same key, same body: replayed, no second meal', ctx.scan.key, ctx.scan.body, 200),
    scan('new key, same slot: one meal per slot', `bad-${randomUUID()}`, ctx.scan.body, 409, 'MEAL_ALREADY_TAKEN'),
    scan('no Idempotency-Key', undefined, ctx.scan.body, 400, 'IDEMPOTENCY_KEY_INVALID'),
    scan('Idempotency-Key too short', 'abc', ctx.scan.body, 400, 'IDEMPOTENCY_KEY_INVALID'),
    scan('Idempotency-Key with SQL', "k'; DROP TABLE meals; --", ctx.scan.body, 400, 'IDEMPOTENCY_KEY_INVALID'),
    scan('Idempotency-Key of 65 characters', 'k'.repeat(65), ctx.scan.body, 400, 'IDEMPOTENCY_KEY_INVALID'),
    // replays of voids
    voidMeal('void again with another key', ctx.voidedMealId, `bad-${randomUUID()}`, '重复作废', 409, 'MEAL_ALREADY_VOIDED'),
    voidMeal('void again with the same key: replayed, nothing new', ctx.voidedMealId, ctx.voidKey, '重复作废', 200),
    voidMeal('void of a canteen A meal by canteen B terminal', ctx.freshMealId, `bad-${randomUUID()}`, '越权作废', 403, 'CANTEEN_SCOPE_VIOLATION', 'terminalB'),
    voidMeal('void of a meal that does not exist', randomUUID(), `bad-${randomUUID()}`, '不存在', 404, 'MEAL_NOT_FOUND'),
    voidMeal('void with a meal id that is SQL', "1' OR '1'='1", `bad-${randomUUID()}`, 'x', 400, 'VALIDATION_FAILED'),
    voidMeal('void with an empty reason', ctx.freshMealId, `bad-${randomUUID()}`, '', 400, 'VALIDATION_FAILED'),
    voidMeal('void with a 201-character reason', ctx.freshMealId, `bad-${randomUUID()}`, '作'.repeat(201), 400, 'VALIDATION_FAILED'),
    voidMeal('void with a reason that is not text', ctx.freshMealId, `bad-${randomUUID()}`, { $ne: null }, 400, 'VALIDATION_FAILED'),
  ];
}
