import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { TokenExpiredException, TokenInvalidException } from './auth.errors';
import { generateKeyPair, keyId, parsePrivateKey, parsePublicKey, PemKeyPair } from './key-pair';
import { Role } from './role.enum';
import { TokenIssuer, TokenSubject } from './token-issuer';
import { LocalKeyTokenVerifier } from './token-verifier';

const ISSUER = 'https://identity.test';
const AUDIENCE = 'official-meal-test';

const inspector: TokenSubject = {
  subject: '6f1c2a4e-0000-4000-8000-000000000001',
  kind: 'staff',
  roles: [Role.Diner, Role.Inspector],
  name: '王检查',
  unitId: '6f1c2a4e-0000-4000-8000-000000000002',
  regionCode: '330802',
};

const b64 = (value: object | string): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function issuerFor(pair: PemKeyPair, overrides: Partial<{ issuer: string; audience: string; ttlSeconds: number }> = {}): TokenIssuer {
  const privateKey = parsePrivateKey(pair.privateKeyPem);
  return new TokenIssuer({
    privateKey,
    keyId: keyId(createPublicKey(privateKey)),
    issuer: overrides.issuer ?? ISSUER,
    audience: overrides.audience ?? AUDIENCE,
    ttlSeconds: overrides.ttlSeconds ?? 900,
  });
}

/** Signs arbitrary claims with ES256 by hand (JWS: r||s signature), to test claim validation. */
function signClaims(pair: PemKeyPair, claims: Record<string, unknown>): string {
  const input = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(claims)}`;
  const signature = cryptoSign('sha256', Buffer.from(input), { key: createPrivateKey(pair.privateKeyPem), dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function validClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: AUDIENCE, sub: inspector.subject, jti: 'jti-1', iat: now, exp: now + 900, kind: 'staff', roles: ['diner'], name: 'x' };
}

async function expectInvalid(promise: Promise<unknown>, pattern?: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenInvalidException);
  expect((error as TokenInvalidException).code).toBe('TOKEN_INVALID');
  if (pattern) expect((error as Error).message).toMatch(pattern);
}

describe('LocalKeyTokenVerifier (ES256 pinned)', () => {
  const pair = generateKeyPair();
  const verifier = new LocalKeyTokenVerifier({ publicKey: parsePublicKey(pair.publicKeyPem), issuer: ISSUER, audience: AUDIENCE, maxLifetimeSeconds: 900 });
  const issuer = issuerFor(pair);

  it('verifies a valid token and maps the claims to the principal', async () => {
    const issued = issuer.issue(inspector);
    const principal = await verifier.verify(issued.accessToken);
    expect(principal).toEqual({ ...inspector, tokenId: issued.principal.tokenId });
    expect(principal.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    const header = JSON.parse(Buffer.from(issued.accessToken.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(typeof header.kid).toBe('string');
    const payload = JSON.parse(Buffer.from(issued.accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: inspector.subject, kind: 'staff', roles: ['diner', 'inspector'], region_code: '330802', unit_id: inspector.unitId });
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
  });

  it('verifies a terminal token with its canteen', async () => {
    const issued = issuer.issue({ subject: 't-1', kind: 'terminal', roles: [Role.Terminal], name: '1号机', canteenId: 'c-1' });
    await expect(verifier.verify(issued.accessToken)).resolves.toMatchObject({ kind: 'terminal', roles: ['terminal'], canteenId: 'c-1' });
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const issued = issuer.issue(inspector, { issuedAt: new Date(Date.now() - 2 * 3600 * 1000), ttlSeconds: 900 });
    const error = await verifier.verify(issued.accessToken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExpiredException);
    expect((error as TokenExpiredException).code).toBe('TOKEN_EXPIRED');
  });

  it('still refuses a token once it expires after it was verified (and remembered)', async () => {
    let now = Date.now();
    const clocked = new LocalKeyTokenVerifier({
      publicKey: parsePublicKey(pair.publicKeyPem),
      issuer: ISSUER,
      audience: AUDIENCE,
      maxLifetimeSeconds: 900,
      now: () => new Date(now),
    });
    const issued = issuer.issue(inspector, { issuedAt: new Date(now), ttlSeconds: 900 });
    await expect(clocked.verify(issued.accessToken)).resolves.toMatchObject({ subject: inspector.subject });
    now += 900_000 + 29_000; // within the tolerance: still the remembered principal
    await expect(clocked.verify(issued.accessToken)).resolves.toMatchObject({ subject: inspector.subject });
    now += 2_000;
    await expect(clocked.verify(issued.accessToken)).rejects.toBeInstanceOf(TokenExpiredException);
    // a tampered copy of a remembered token is not the same text, so it is verified in full and refused
    const [h, p, sig] = issued.accessToken.split('.');
    await expect(clocked.verify(`${h}.${p}x.${sig}`)).rejects.toBeInstanceOf(TokenInvalidException);
  });

  it('accepts a token expired by less than the 30 s clock tolerance, refuses beyond it', async () => {
    const justExpired = issuer.issue(inspector, { issuedAt: new Date(Date.now() - 910 * 1000) });
    await expect(verifier.verify(justExpired.accessToken)).resolves.toBeDefined();
    const expired = issuer.issue(inspector, { issuedAt: new Date(Date.now() - 935 * 1000) });
    await expect(verifier.verify(expired.accessToken)).rejects.toBeInstanceOf(TokenExpiredException);
  });

  it('refuses a token issued in the future', async () => {
    const future = issuer.issue(inspector, { issuedAt: new Date(Date.now() + 120 * 1000) });
    await expectInvalid(verifier.verify(future.accessToken), /future/);
  });

  it('refuses a token not valid yet (nbf)', async () => {
    await expectInvalid(verifier.verify(signClaims(pair, { ...validClaims(), nbf: Math.floor(Date.now() / 1000) + 600 })), /not valid yet/);
  });

  it('refuses a wrong issuer', async () => {
    await expectInvalid(verifier.verify(issuerFor(pair, { issuer: 'https://evil.example' }).issue(inspector).accessToken), /issuer/);
  });

  it('refuses a wrong audience', async () => {
    await expectInvalid(verifier.verify(issuerFor(pair, { audience: 'another-app' }).issue(inspector).accessToken), /audience/);
  });

  it('refuses a token living longer than allowed', async () => {
    await expectInvalid(verifier.verify(issuer.issue(inspector, { ttlSeconds: 3600 }).accessToken), /longer/);
  });

  it('refuses alg: none (unsigned token, crafted by hand)', async () => {
    const body = b64(validClaims());
    await expectInvalid(verifier.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${body}.`));
    await expectInvalid(verifier.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${body}.${b64('x')}`));
  });

  it('refuses HS256 signed with the public key PEM as HMAC secret (algorithm confusion)', async () => {
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(validClaims())}`;
    for (const secret of [pair.publicKeyPem, pair.publicKeyPem.trim(), createPublicKey(pair.publicKeyPem).export({ type: 'spki', format: 'der' })]) {
      const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
      await expectInvalid(verifier.verify(`${signingInput}.${signature}`), /algorithm/);
    }
  });

  it('refuses RS256 and ES384 even when validly signed', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs256 = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(validClaims())}`;
    await expectInvalid(verifier.verify(`${rs256}.${cryptoSign('sha256', Buffer.from(rs256), rsa.privateKey).toString('base64url')}`));
    const ec384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    await expectInvalid(verifier.verify(sign(validClaims(), ec384.privateKey, { algorithm: 'ES384' })));
  });

  it('refuses a token signed by another key pair', async () => {
    await expectInvalid(verifier.verify(issuerFor(generateKeyPair()).issue(inspector).accessToken), /signature/);
  });

  it('refuses a tampered payload (signature mismatch)', async () => {
    const [header, payload, signature] = issuer.issue({ ...inspector, roles: [Role.Diner] }).accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = b64({ ...claims, roles: ['diner', 'admin'] });
    await expectInvalid(verifier.verify(`${header}.${tampered}.${signature}`), /signature/);
  });

  it('refuses garbage and over-long tokens', async () => {
    await expectInvalid(verifier.verify('not-a-jwt'));
    await expectInvalid(verifier.verify(`${'a'.repeat(5000)}.b.c`), /too long/);
  });

  it('accepts the hand-crafted ES256 signature of valid claims (the helper below is sound)', async () => {
    await expect(verifier.verify(signClaims(pair, validClaims()))).resolves.toMatchObject({ roles: ['diner'] });
  });

  it.each([
    ['roles missing', { roles: undefined }, /roles/],
    ['roles empty', { roles: [] }, /roles/],
    ['unknown role', { roles: ['diner', 'superuser'] }, /unknown role/],
    ['sub missing', { sub: undefined }, /sub/],
    ['jti missing', { jti: undefined }, /jti/],
    ['name missing', { name: undefined }, /name/],
    ['kind invalid', { kind: 'robot' }, /kind/],
    ['exp missing', { exp: undefined }, /exp/],
    ['iat missing', { iat: undefined }, /iat/],
    ['inspector without region', { roles: ['inspector'] }, /region_code/],
    ['terminal without canteen', { kind: 'terminal', roles: ['terminal'] }, /canteen_id/],
    ['terminal with extra role', { kind: 'terminal', roles: ['terminal', 'admin'], canteen_id: 'c' }, /exactly/],
    ['staff claiming terminal', { roles: ['terminal'], canteen_id: 'c' }, /cannot carry/],
  ])('refuses claims: %s', async (_label, patch, pattern) => {
    const claims: Record<string, unknown> = { ...validClaims(), ...patch };
    for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
    await expectInvalid(verifier.verify(signClaims(pair, claims)), pattern);
  });

  it('the issuer refuses to sign an inconsistent principal', () => {
    expect(() => issuer.issue({ subject: 't', kind: 'terminal', roles: [Role.Terminal], name: 't' })).toThrow(/canteen_id/);
  });

  it('an issuer without a private key says so', () => {
    const none = new TokenIssuer(undefined);
    expect(none.available).toBe(false);
    expect(() => none.issue(inspector)).toThrow(/private key/);
  });
});
