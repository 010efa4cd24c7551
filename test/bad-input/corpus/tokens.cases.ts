import { KeyObject, randomUUID } from 'node:crypto';
import { Category, HttpCase, ServiceName } from './corpus.types';
import { b64url, flipSignature, newEcKey, newRsaKey, signEs256, signHs256, signRs256, unsigned, withPayload } from '../support/forge';

/** One service's identity setup, as the token cases need it. */
export interface TokenCorpusContext {
  service: ServiceName;
  /** A route every token case calls (needs a token; the valid token's role may call it). */
  route: { method: 'GET' | 'POST'; path: string; json?: unknown };
  /** A valid token of this service (admin). */
  validToken: string;
  /** The REAL identity private key of this service and its kid (to sign tokens that are wrong in other ways). */
  privateKey: KeyObject;
  kid: string;
  publicKeyPem: string;
  issuer: string;
  audience: string;
  /** A valid token of the other service: signed by another key. */
  foreignToken: string;
  /** A valid diner token of this service (for a route diners may not call). */
  dinerToken: string;
  /** Other JWS of the platform that are not login tokens (meal code, pass). */
  otherJws: { name: string; jws: string }[];
}

const category: Category = 'tokens';

/**
 * Access tokens with alg none, HS/RS confusion, the wrong key, expired, the wrong audience or issuer, missing claims,
 * a stretched lifetime, an escalated role, and garbage — each must get 401 TOKEN_* (or 403 for a valid token of the
 * wrong role), from both services.
 */
export function tokenCases(ctx: TokenCorpusContext): HttpCase[] {
  const claims = JSON.parse(Buffer.from(ctx.validToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', typ: 'JWT', kid: ctx.kid };
  const real = (change: Record<string, unknown>): string => {
    const payload: Record<string, unknown> = { ...claims, jti: randomUUID(), iat: now, exp: now + 600, ...change };
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    return signEs256(header, payload, ctx.privateKey);
  };
  const stranger = newEcKey();
  const rsa = newRsaKey();
  const call = (name: string, authorization: string | undefined, status: number, code: string, route = ctx.route): HttpCase => ({
    name: `${ctx.service}: ${name}`,
    category,
    request: { service: ctx.service, method: route.method, path: route.path, json: route.json, ...(authorization === undefined ? {} : { authorization }) },
    expect: { status, code },
  });
  const bearer = (token: string): string => `Bearer ${token}`;

  return [
    call('no Authorization header', undefined, 401, 'TOKEN_MISSING'),
    call('Bearer with no token', 'Bearer ', 401, 'TOKEN_INVALID'),
    call('Basic credentials', `Basic ${Buffer.from('admin:admin').toString('base64')}`, 401, 'TOKEN_INVALID'),
    call('token without the Bearer scheme', ctx.validToken, 401, 'TOKEN_INVALID'),
    call('two tokens', `Bearer ${ctx.validToken} ${ctx.validToken}`, 401, 'TOKEN_INVALID'),
    call('garbage', bearer('not-a-token'), 401, 'TOKEN_INVALID'),
    call('three dots of garbage', bearer('a.b.c'), 401, 'TOKEN_INVALID'),
    call('SQL injection as token', bearer("x'OR'1'='1"), 401, 'TOKEN_INVALID'),
    call('longer than 4096 characters', bearer(`${ctx.validToken}${'A'.repeat(4100)}`), 401, 'TOKEN_INVALID'),
    call('alg none, empty signature', bearer(unsigned({ alg: 'none', typ: 'JWT' }, claims)), 401, 'TOKEN_INVALID'),
    call('alg none, junk signature', bearer(unsigned({ alg: 'none', typ: 'JWT' }, claims, 'c2lnbmF0dXJl')), 401, 'TOKEN_INVALID'),
    call('alg NONE upper case', bearer(unsigned({ alg: 'NONE', typ: 'JWT' }, claims, 'AA')), 401, 'TOKEN_INVALID'),
    call('HS256 signed with the public key PEM (HS/RS confusion)', bearer(signHs256({ alg: 'HS256', typ: 'JWT' }, claims, ctx.publicKeyPem)), 401, 'TOKEN_INVALID'),
    call('HS256 signed with the public key, no trailing newline', bearer(signHs256({ alg: 'HS256', typ: 'JWT' }, claims, ctx.publicKeyPem.trim())), 401, 'TOKEN_INVALID'),
    call('HS512 signed with the public key', bearer(signHs256({ alg: 'HS512', typ: 'JWT' }, claims, ctx.publicKeyPem)), 401, 'TOKEN_INVALID'),
    call('ES256 header with an HMAC signature', bearer(signHs256(header, claims, ctx.publicKeyPem)), 401, 'TOKEN_INVALID'),
    call('RS256 signed with a fresh RSA key', bearer(signRs256({ alg: 'RS256', typ: 'JWT' }, claims, rsa.privateKey)), 401, 'TOKEN_INVALID'),
    call('ES256 signed by a stranger key', bearer(signEs256(header, claims, stranger.privateKey)), 401, 'TOKEN_INVALID'),
    call('valid token of the other service (other key)', bearer(ctx.foreignToken), 401, 'TOKEN_INVALID'),
    call('one signature character flipped', bearer(flipSignature(ctx.validToken)), 401, 'TOKEN_INVALID'),
    call('role escalated diner → admin, signature kept', bearer(withPayload(ctx.dinerToken, (c) => ({ ...c, roles: ['admin'] }))), 401, 'TOKEN_INVALID'),
    call('expiry extended, signature kept', bearer(withPayload(ctx.validToken, (c) => ({ ...c, exp: Number(c.exp) + 86_400 }))), 401, 'TOKEN_INVALID'),
    call('expired (real key)', bearer(real({ iat: now - 7200, exp: now - 3600 })), 401, 'TOKEN_EXPIRED'),
    call('expired one minute ago (beyond the 30 s tolerance)', bearer(real({ iat: now - 660, exp: now - 60 })), 401, 'TOKEN_EXPIRED'),
    call('wrong audience (real key)', bearer(real({ aud: 'another-app' })), 401, 'TOKEN_INVALID'),
    call('audience as a list without ours', bearer(real({ aud: ['x', 'y'] })), 401, 'TOKEN_INVALID'),
    call('wrong issuer (real key)', bearer(real({ iss: 'https://evil.example' })), 401, 'TOKEN_INVALID'),
    call('no exp (real key)', bearer(real({ exp: undefined })), 401, 'TOKEN_INVALID'),
    call('no iat (real key)', bearer(real({ iat: undefined })), 401, 'TOKEN_INVALID'),
    call('issued in the future (real key)', bearer(real({ iat: now + 3600, exp: now + 4000 })), 401, 'TOKEN_INVALID'),
    call('not valid before tomorrow (real key)', bearer(real({ nbf: now + 86_400 })), 401, 'TOKEN_INVALID'),
    call('lifetime of a year (real key)', bearer(real({ exp: now + 366 * 86_400 })), 401, 'TOKEN_INVALID'),
    call('unknown role (real key)', bearer(real({ roles: ['superuser'] })), 401, 'TOKEN_INVALID'),
    call('terminal without a canteen (real key)', bearer(real({ kind: 'terminal', roles: ['terminal'], canteen_id: undefined })), 401, 'TOKEN_INVALID'),
    call('no subject (real key)', bearer(real({ sub: undefined })), 401, 'TOKEN_INVALID'),
    call('payload is an array (real key)', bearer(`${b64url(header)}.${b64url('[1,2]')}.${ctx.validToken.split('.')[2]}`), 401, 'TOKEN_INVALID'),
    ...ctx.otherJws.map((o) => call(`${o.name} as a bearer token`, bearer(o.jws), 401, 'TOKEN_INVALID')),
    call('valid diner token on an admin route', bearer(ctx.dinerToken), 403, 'ROLE_NOT_ALLOWED'),
  ];
}
