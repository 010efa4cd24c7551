import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { PassExpiredException, PassForgedException, PassMalformedException } from './scanning.exceptions';

/** The one algorithm of meal passes; verification accepts nothing else. */
export const PASS_ALGORITHM = 'ES256' as const;
/** `typ` header and `kind` claim of every pass. Meal codes carry `meal-code`, login tokens `kind: staff|terminal`. */
export const PASS_KIND = 'meal-pass' as const;
const MAX_PASS_LENGTH = 4096;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The claims of a meal pass (就餐凭证), short names to keep the QR small:
 * `{ kind: 'meal-pass', m: mealId, d: dinerId, c: canteenId, s: slot, md: mealDate, n: diner name, u: unit name,
 *    p: priceFen, iat, exp }`.
 */
export interface MealPassClaims {
  kind: typeof PASS_KIND;
  m: string;
  d: string;
  c: string;
  s: string;
  md: string;
  n: string;
  u: string;
  p: number;
  iat: number;
  exp: number;
}

export interface PassJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  alg: typeof PASS_ALGORITHM;
  use: 'sig';
  kid: string;
}

/** A canteen's pass key pair, parsed. */
export interface PassKeyPair {
  canteenId: string;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PassJwk;
}

export interface DecodedPass {
  kid: string;
  claims: MealPassClaims;
  signingInput: string;
  signature: Buffer;
}

/** RFC 7638 thumbprint of a P-256 public key. */
export function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
}

export function publicJwkOf(publicKey: KeyObject): PassJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y), alg: PASS_ALGORITHM, use: 'sig', kid: thumbprint(publicKey) };
}

/** A fresh P-256 key pair for a canteen: PEM of the private key, the public JWK and kid. */
export function generatePassKey(): { privateKeyPem: string; publicJwk: PassJwk } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicJwk: publicJwkOf(publicKey) };
}

export function parsePassKey(canteenId: string, privateKeyPem: string): PassKeyPair {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const publicJwk = publicJwkOf(publicKey);
  return { canteenId, kid: publicJwk.kid, privateKey, publicKey, publicJwk };
}

/** The public key of a JWK (offline terminals do the same). */
export function publicKeyOfJwk(jwk: Pick<PassJwk, 'kty' | 'crv' | 'x' | 'y'>): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs a pass: compact JWS, header `{ alg: ES256, typ: meal-pass, kid }`, raw (IEEE P1363) ECDSA signature. */
export function signPass(key: PassKeyPair, claims: MealPassClaims): string {
  const signingInput = `${b64({ alg: PASS_ALGORITHM, typ: PASS_KIND, kid: key.kid })}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function parseJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new PassMalformedException(`unreadable ${what}`);
  }
}

const isStr = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Reads a pass without trusting it: shape (MALFORMED), header alg/typ (FORGED: a meal code, a login token or any
 * other JWS is not a pass), claims (MALFORMED). The signature is checked by verifyPassSignature with the key of
 * the canteen the claims name.
 */
export function decodePass(token: unknown): DecodedPass {
  if (typeof token !== 'string' || token.length === 0) throw new PassMalformedException('empty');
  const text = token.trim();
  if (text.length > MAX_PASS_LENGTH || !JWS_SHAPE.test(text)) throw new PassMalformedException('not a compact JWS');
  const [h, p, s] = text.split('.') as [string, string, string];
  const header = parseJson(h, 'header');
  if (header.alg !== PASS_ALGORITHM) throw new PassForgedException(`algorithm ${JSON.stringify(header.alg)} is not ${PASS_ALGORITHM}`);
  if (header.typ !== PASS_KIND) throw new PassForgedException(`not a meal pass (typ ${JSON.stringify(header.typ)})`);
  if (!isStr(header.kid, 100)) throw new PassForgedException('no key id');
  const c = parseJson(p, 'payload');
  if (c.kind !== PASS_KIND) throw new PassForgedException('not a meal pass (kind)');
  if (!isStr(c.m) || !UUID.test(c.m) || !isStr(c.d) || !UUID.test(c.d) || !isStr(c.c) || !UUID.test(c.c)) {
    throw new PassMalformedException('ids');
  }
  if (!isStr(c.s) || !isStr(c.md) || !/^\d{4}-\d{2}-\d{2}$/.test(c.md) || !isStr(c.n) || !isStr(c.u)) throw new PassMalformedException('claims');
  if (!isInt(c.p) || c.p < 0 || !isInt(c.iat) || !isInt(c.exp) || c.exp <= c.iat) throw new PassMalformedException('numbers');
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64) throw new PassForgedException('bad signature length');
  const claims: MealPassClaims = { kind: PASS_KIND, m: c.m, d: c.d, c: c.c, s: c.s, md: c.md, n: c.n, u: c.u, p: c.p, iat: c.iat, exp: c.exp };
  return { kid: header.kid, claims, signingInput: `${h}.${p}`, signature };
}

/** Checks the signature with the canteen's public key and that the header names that key. Throws PASS_FORGED. */
export function verifyPassSignature(decoded: DecodedPass, key: { kid: string; publicKey: KeyObject }): void {
  if (decoded.kid !== key.kid) throw new PassForgedException('signed with an unknown key');
  const ok = verify('sha256', Buffer.from(decoded.signingInput), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, decoded.signature);
  if (!ok) throw new PassForgedException('signature mismatch');
}

/** PASS_EXPIRED unless `at` is before `exp` (plus `toleranceSeconds`). */
export function assertPassNotExpired(claims: MealPassClaims, at: Date, toleranceSeconds = 0): void {
  if (Math.floor(at.getTime() / 1000) >= claims.exp + toleranceSeconds) throw new PassExpiredException(new Date(claims.exp * 1000));
}
