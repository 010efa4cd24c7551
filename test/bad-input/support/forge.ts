import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';

/**
 * Hand-made JWS for the corpus: the attacker's toolbox (alg none, HS/RS confusion, other keys, altered parts).
 * Nothing here is used by the services; they must refuse all of it.
 */

export function b64url(value: object | string | Buffer): string {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return bytes.toString('base64url');
}

export function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The three parts of a compact JWS. */
export function partsOf(jws: string): [string, string, string] {
  const [h = '', p = '', s = ''] = jws.split('.');
  return [h, p, s];
}

/** ES256 (raw P1363 signature) over `header.payload` with any EC P-256 private key. */
export function signEs256(header: object, payload: object, privateKey: KeyObject): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** RS256 with any RSA private key. */
export function signRs256(header: object, payload: object, privateKey: KeyObject): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** HS256 with `secret` — the classic confusion: the verifier's PUBLIC key used as an HMAC secret. */
export function signHs256(header: object, payload: object, secret: string | Buffer): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** `alg: none`: no signature at all (empty third part), or a junk one. */
export function unsigned(header: object, payload: object, signature = ''): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

/** The same signature over an altered payload (the signature no longer matches). */
export function withPayload(jws: string, change: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [h, p, s] = partsOf(jws);
  return `${h}.${b64url(change(decodePart(p)))}.${s}`;
}

/** The same payload with another header (alg swapped etc.), original signature kept. */
export function withHeader(jws: string, change: (header: Record<string, unknown>) => Record<string, unknown>): string {
  const [h, p, s] = partsOf(jws);
  return `${b64url(change(decodePart(h)))}.${p}.${s}`;
}

/** One base64url character of the signature flipped. */
export function flipSignature(jws: string): string {
  const [h, p, s] = partsOf(jws);
  const i = Math.floor(s.length / 2);
  const c = s[i] === 'A' ? 'B' : 'A';
  return `${h}.${p}.${s.slice(0, i)}${c}${s.slice(i + 1)}`;
}

export function newEcKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

export function newRsaKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** `[[[[…]]]]` / `{"a":{"a":…}}` nested `depth` levels, as JSON text (built without recursion). */
export function nestedArrayJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

export function nestedObjectJson(depth: number, leaf = '1'): string {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}
