import { randomUUID } from 'node:crypto';
import { HttpCase } from './corpus.types';
import { flipSignature, newEcKey, partsOf, signEs256, signHs256, unsigned, withHeader, withPayload } from '../support/forge';

/** What the meal-code cases are built from (set up by the spec against the running canteen service). */
export interface MealCodeCorpusContext {
  /** The accepted `<base>` of meal-code URLs. */
  baseUrl: string;
  /** The active code text (`<base>/m/<jws>`) of canteen A, where the scans are made. */
  validText: string;
  canteenId: string;
  otherCanteenId: string;
  location: { latitude: number; longitude: number };
  /** Signs claims with the REAL meal-code key (an insider's forgery: right key, wrong contents). */
  signWithRealKey(claims: Record<string, unknown>): string;
  mealCodePublicKeyPem: string;
  /** A valid identity (login) token: a JWS of ours, but not a meal code. */
  loginToken: string;
  /** Version 1 of canteen C, superseded by a rotation with no grace period. */
  expiredText: string;
  /** Version 2 of canteen C, revoked. */
  revokedText: string;
  /** The active code of canteen D, which was then deactivated. */
  inactiveCanteenText: string;
}

const MEAL_CODE_HEADER = { alg: 'ES256', typ: 'meal-code' };

/**
 * 用餐码 forged, truncated and altered: each is scanned (POST /scans as a diner who has not eaten yet, standing at the
 * canteen) and must be refused with its code, storing nothing (no meal, no outbox event).
 */
export function mealCodeCases(ctx: MealCodeCorpusContext): HttpCase[] {
  const jws = ctx.validText.slice(ctx.validText.indexOf('/m/') + 3);
  const [h, p, s] = partsOf(jws);
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const url = (token: string): string => `${ctx.baseUrl}/m/${token}`;
  const stranger = newEcKey();

  const scan = (name: string, code: unknown, status: number, errorCode: string, position: Partial<{ latitude: unknown; longitude: unknown }> = {}): HttpCase => ({
    name,
    category: 'meal-codes',
    request: {
      service: 'canteen',
      method: 'POST',
      path: '/scans',
      as: 'freshDiner',
      headers: { 'Idempotency-Key': `bad-${randomUUID()}` },
      json: { code, ...ctx.location, ...position },
    },
    expect: { status, code: errorCode },
  });

  return [
    // not a meal code at all
    scan('empty code', '', 400, 'VALIDATION_FAILED'),
    scan('blank code', '    ', 400, 'MEAL_CODE_MALFORMED'),
    scan('code is a number', 12345, 400, 'VALIDATION_FAILED'),
    scan('code is an object', { c: ctx.canteenId }, 400, 'VALIDATION_FAILED'),
    scan('plain words', '我要吃饭', 400, 'MEAL_CODE_MALFORMED'),
    scan('bare JWS without the platform URL', jws, 400, 'MEAL_CODE_MALFORMED'),
    scan('foreign host', `https://evil.example/m/${jws}`, 400, 'MEAL_CODE_MALFORMED'),
    scan('look-alike host (base as subdomain)', `${ctx.baseUrl}.evil.example/m/${jws}`, 400, 'MEAL_CODE_MALFORMED'),
    scan('homoglyph host (Cyrillic а)', url(jws).replace('meal', 'mеal'), 400, 'MEAL_CODE_MALFORMED'),
    scan('javascript: URL', 'javascript:window.__xss=1', 400, 'MEAL_CODE_MALFORMED'),
    scan('SQL in the token part', url("' OR 1=1 --"), 400, 'MEAL_CODE_MALFORMED'),
    // refused at the edge (bodyGuard): text with U+0000 never reaches a service
    scan('NUL byte inside the token', url(`${h}.${p}\u0000.${s}`), 400, 'VALIDATION_FAILED'),
    scan('two-part token', url(`${h}.${p}`), 400, 'MEAL_CODE_MALFORMED'),
    scan('four-part token', url(`${jws}.${s}`), 400, 'MEAL_CODE_MALFORMED'),
    scan('longer than 2048 characters', url(`${jws}${'A'.repeat(2100)}`), 400, 'VALIDATION_FAILED'),
    scan('unreadable header (not base64 JSON)', url(`${h.slice(3)}.${p}.${s}`), 400, 'MEAL_CODE_MALFORMED'),
    // truncated
    scan('truncated to half', ctx.validText.slice(0, Math.floor(ctx.validText.length / 2)), 400, 'MEAL_CODE_MALFORMED'),
    scan('signature cut short by 10 characters', url(`${h}.${p}.${s.slice(0, -10)}`), 422, 'MEAL_CODE_FORGED'),
    scan('signature removed, dot kept', url(`${h}.${p}.`), 422, 'MEAL_CODE_FORGED'),
    scan('payload cut short', url(`${h}.${p.slice(0, -12)}.${s}`), 422, 'MEAL_CODE_FORGED'),
    // altered (original signature)
    scan('canteen id swapped to another canteen', url(withPayload(jws, (c) => ({ ...c, c: ctx.otherCanteenId }))), 422, 'MEAL_CODE_FORGED'),
    scan('coordinates moved (geofence dodge)', url(withPayload(jws, (c) => ({ ...c, lat: 30.0, lon: 120.0 }))), 422, 'MEAL_CODE_FORGED'),
    scan('radius widened to 100 km', url(withPayload(jws, (c) => ({ ...c, r: 100_000 }))), 422, 'MEAL_CODE_FORGED'),
    scan('version bumped', url(withPayload(jws, (c) => ({ ...c, v: Number(c.v) + 1 }))), 422, 'MEAL_CODE_FORGED'),
    scan('one signature character flipped', url(flipSignature(jws)), 422, 'MEAL_CODE_FORGED'),
    scan('header typ changed', url(withHeader(jws, (x) => ({ ...x, typ: 'JWT' }))), 422, 'MEAL_CODE_FORGED'),
    // forged
    scan('alg none, no signature', url(unsigned({ alg: 'none', typ: 'meal-code' }, claims)), 422, 'MEAL_CODE_FORGED'),
    scan('alg none with a junk signature', url(unsigned({ alg: 'none', typ: 'meal-code' }, claims, 'AAAA')), 422, 'MEAL_CODE_FORGED'),
    scan('HS256 signed with the public key (HS/RS confusion)', url(signHs256({ alg: 'HS256', typ: 'meal-code' }, claims, ctx.mealCodePublicKeyPem)), 422, 'MEAL_CODE_FORGED'),
    scan('ES256 header, HMAC signature with the public key', url(signHs256(MEAL_CODE_HEADER, claims, ctx.mealCodePublicKeyPem)), 422, 'MEAL_CODE_FORGED'),
    scan('signed by a stranger EC key', url(signEs256(MEAL_CODE_HEADER, claims, stranger.privateKey)), 422, 'MEAL_CODE_FORGED'),
    scan('stranger key claiming another canteen', url(signEs256(MEAL_CODE_HEADER, { ...claims, c: ctx.otherCanteenId }, stranger.privateKey)), 422, 'MEAL_CODE_FORGED'),
    scan('a login token wrapped as a meal code', url(ctx.loginToken), 422, 'MEAL_CODE_FORGED'),
    // right key, wrong contents (an insider, a stolen signing oracle)
    scan('real key, version that was never issued', url(ctx.signWithRealKey({ ...claims, v: 99 })), 422, 'MEAL_CODE_UNKNOWN_VERSION'),
    scan('real key, canteen that does not exist', url(ctx.signWithRealKey({ ...claims, c: randomUUID() })), 422, 'MEAL_CODE_UNKNOWN_VERSION'),
    scan('real key, same version but other coordinates than issued', url(ctx.signWithRealKey({ ...claims, lat: 28.5 })), 422, 'MEAL_CODE_UNKNOWN_VERSION'),
    scan('real key, kind claim missing', url(ctx.signWithRealKey({ ...claims, kind: undefined })), 422, 'MEAL_CODE_FORGED'),
    scan('real key, canteen id not a uuid', url(ctx.signWithRealKey({ ...claims, c: "1' OR '1'='1" })), 400, 'MEAL_CODE_MALFORMED'),
    scan('real key, latitude out of range', url(ctx.signWithRealKey({ ...claims, lat: 95 })), 400, 'MEAL_CODE_MALFORMED'),
    // real codes that no longer hold
    scan('rotated code after its grace period', ctx.expiredText, 410, 'MEAL_CODE_EXPIRED'),
    scan('revoked code', ctx.revokedText, 410, 'MEAL_CODE_REVOKED'),
    scan('code of a deactivated canteen', ctx.inactiveCanteenText, 422, 'CANTEEN_INACTIVE'),
    // impossible coordinates with a valid code
    scan('latitude 91', ctx.validText, 400, 'VALIDATION_FAILED', { latitude: 91 }),
    scan('longitude -181', ctx.validText, 400, 'VALIDATION_FAILED', { longitude: -181 }),
    scan('latitude as a string', ctx.validText, 400, 'VALIDATION_FAILED', { latitude: '28.97' }),
    scan('latitude 1e308', ctx.validText, 400, 'VALIDATION_FAILED', { latitude: 1e308 }),
    scan('longitude null', ctx.validText, 400, 'VALIDATION_FAILED', { longitude: null }),
  ];
}
