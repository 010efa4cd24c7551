import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'jsonwebtoken';
import { resolveMealCodeOptions } from './meal-code.options';
import { loadMealCodeKeyPair, MealCodeSigner } from './meal-code-signer.service';

describe('meal-code signing key', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'meal-code-signer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const paths = (): { privateKeyFile: string; publicKeyFile: string } => ({
    privateKeyFile: join(dir, 'k', 'meal-code-private.pem'),
    publicKeyFile: join(dir, 'k', 'meal-code-public.pem'),
  });

  it('creates a P-256 pair with private files (0600) once, then reuses it', () => {
    const first = loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: true });
    expect(first.created).toBe(true);
    expect(statSync(paths().privateKeyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'k')).mode & 0o777).toBe(0o700);
    const second = loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: true });
    expect(second.created).toBe(false);
    expect(second.publicKey.export({ type: 'spki', format: 'pem' })).toEqual(first.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('refuses missing keys when creation is off, a lone public key, a mismatched pair and a non-P-256 key', () => {
    expect(() => loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: false })).toThrow(/does not exist/);
    loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: true });
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(paths().publicKeyFile, other.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() => loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: true })).toThrow(/not one key pair/);
    rmSync(paths().privateKeyFile);
    expect(() => loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: true })).toThrow(/public key .* does/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(paths().privateKeyFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(paths().publicKeyFile, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() => loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: true })).toThrow(/P-256/);
  });

  it('derives a missing public key from the private key', () => {
    loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: true });
    const pem = readFileSync(paths().publicKeyFile, 'utf8');
    rmSync(paths().publicKeyFile);
    expect(loadMealCodeKeyPair({ ...paths(), createKeysIfMissing: false }).created).toBe(true);
    expect(readFileSync(paths().publicKeyFile, 'utf8')).toBe(pem);
  });

  it('signs compact ES256 tokens that it verifies, rounding coordinates to 6 decimals', () => {
    const signer = new MealCodeSigner(resolveMealCodeOptions({ ...paths() }));
    const token = signer.sign({ c: '0f8fad5b-d9cb-469f-a165-70867728950e', v: 4, lat: 28.97008349, lon: 118.85934216, r: 150 }, new Date('2025-11-24T00:00:00Z'));
    expect(decode(token, { complete: true })?.header).toEqual({ alg: 'ES256', typ: 'meal-code' });
    expect(signer.verify(token)).toEqual({ c: '0f8fad5b-d9cb-469f-a165-70867728950e', v: 4, lat: 28.970083, lon: 118.859342, r: 150, iat: 1763942400 });
    expect(signer.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: signer.keyId });
  });
});
