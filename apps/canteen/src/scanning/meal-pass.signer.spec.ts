import { generateKeyPairSync } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { assertPassNotExpired, decodePass, generatePassKey, MealPassClaims, parsePassKey, PASS_KIND, signPass, verifyPassSignature } from './meal-pass.signer';

const claims: MealPassClaims = {
  kind: PASS_KIND,
  m: '11111111-1111-4111-8111-111111111111',
  d: '22222222-2222-4222-8222-222222222222',
  c: '33333333-3333-4333-8333-333333333333',
  s: 'lunch',
  md: '2025-11-24',
  n: '张三',
  u: '柯城区财政局',
  p: 1500,
  iat: 1_763_956_800,
  exp: 1_763_957_100,
};

describe('meal pass signing', () => {
  const key = parsePassKey(claims.c, generatePassKey().privateKeyPem);

  it('round-trips and verifies with the canteen key', () => {
    const token = signPass(key, claims);
    const decoded = decodePass(token);
    expect(decoded.claims).toEqual(claims);
    expect(decoded.kid).toBe(key.kid);
    expect(() => verifyPassSignature(decoded, key)).not.toThrow();
  });

  it('refuses another key, tampering, other token kinds and bad shapes', () => {
    const token = signPass(key, claims);
    const other = parsePassKey(claims.c, generatePassKey().privateKeyPem);
    expect(() => verifyPassSignature(decodePass(token), other)).toThrow(expect.objectContaining({ code: 'PASS_FORGED' }));
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, p: 1 })).toString('base64url')}.${s}`;
    expect(() => verifyPassSignature(decodePass(tampered), key)).toThrow(expect.objectContaining({ code: 'PASS_FORGED' }));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const mealCode = sign({ kind: 'meal-code', c: claims.c }, privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'meal-code' } });
    expect(() => decodePass(mealCode)).toThrow(expect.objectContaining({ code: 'PASS_FORGED' }));
    const hs = sign({ ...claims }, 'secret', { algorithm: 'HS256', header: { alg: 'HS256', typ: PASS_KIND } });
    expect(() => decodePass(hs)).toThrow(expect.objectContaining({ code: 'PASS_FORGED' }));
    expect(() => decodePass('abc')).toThrow(expect.objectContaining({ code: 'PASS_MALFORMED' }));
    expect(() => decodePass(`${h}.e30.${s}`)).toThrow(expect.objectContaining({ code: 'PASS_FORGED' }));
  });

  it('checks expiry against the given instant', () => {
    expect(() => assertPassNotExpired(claims, new Date((claims.exp - 1) * 1000))).not.toThrow();
    expect(() => assertPassNotExpired(claims, new Date(claims.exp * 1000))).toThrow(expect.objectContaining({ code: 'PASS_EXPIRED' }));
  });
});
