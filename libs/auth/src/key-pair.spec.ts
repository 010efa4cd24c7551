import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { ensureKeyPairFiles, parsePrivateKey, parsePublicKey, readKeyFile } from './key-pair';

describe('key pair files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meal-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a P-256 pair with mode 0600 and keeps existing files', () => {
    const privatePath = join(dir, 'sub', 'private.pem');
    const publicPath = join(dir, 'sub', 'public.pem');
    expect(ensureKeyPairFiles(privatePath, publicPath)).toBe(true);
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(statSync(publicPath).mode & 0o777).toBe(0o600);
    const before = readFileSync(privatePath, 'utf8');
    expect(ensureKeyPairFiles(privatePath, publicPath)).toBe(false);
    expect(readFileSync(privatePath, 'utf8')).toBe(before);
    expect(() => parsePrivateKey(before)).not.toThrow();
    expect(() => parsePublicKey(readFileSync(publicPath))).not.toThrow();
    unlinkSync(publicPath);
    expect(ensureKeyPairFiles(privatePath, publicPath)).toBe(true);
    unlinkSync(privatePath);
    expect(() => ensureKeyPairFiles(privatePath, publicPath)).toThrow(/private key/);
  });

  it('refuses a non-P-256 key and names the fix for a missing file', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => parsePublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }))).toThrow(/P-256/);
    expect(() => readKeyFile(join(dir, 'missing.pem'), 'public')).toThrow(/npm run start:demo.*AUTH_PUBLIC_KEY_FILE/);
  });
});
