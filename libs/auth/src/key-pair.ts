import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The one signature algorithm of our tokens: ECDSA over P-256 with SHA-256. Pinned: verifiers accept nothing
 * else (no `none`, no HS256 — which would let the public key be used as an HMAC secret —, no RS256).
 */
export const TOKEN_ALGORITHM = 'ES256' as const;
/** The curve ES256 needs (OpenSSL / Node name of P-256). */
export const TOKEN_CURVE = 'prime256v1';

export interface PemKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh P-256 key pair as PEM (PKCS#8 private key, SPKI public key). */
export function generateKeyPair(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: TOKEN_CURVE });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function writeSecretFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx': never overwrite a key another process created meanwhile.
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

/**
 * Creates the PEM files of a key pair if they are missing (mode 0600, directory 0700). Existing files are kept;
 * a missing public key is derived from an existing private key. For the demo script and tests.
 * Returns whether anything was written.
 */
export function ensureKeyPairFiles(privatePath: string, publicPath: string): boolean {
  const hasPrivate = existsSync(privatePath);
  const hasPublic = existsSync(publicPath);
  if (hasPrivate && hasPublic) return false;
  if (!hasPrivate && hasPublic) {
    throw new Error(`The public key ${publicPath} exists but its private key ${privatePath} is missing; remove the public key to generate a new pair`);
  }
  if (hasPrivate) {
    const privateKey = createPrivateKey(readFileSync(privatePath));
    writeSecretFile(publicPath, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
    return true;
  }
  const pair = generateKeyPair();
  writeSecretFile(privatePath, pair.privateKeyPem);
  writeSecretFile(publicPath, pair.publicKeyPem);
  return true;
}

function assertP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== TOKEN_CURVE) {
    throw new Error(`${what} must be an EC P-256 (prime256v1) key for ${TOKEN_ALGORITHM}, got ${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
  }
}

/** Parses a PEM public key and checks it is a P-256 key. */
export function parsePublicKey(pem: string | Buffer): KeyObject {
  const key = createPublicKey(pem);
  assertP256(key, 'The token public key');
  return key;
}

/** Parses a PEM private key and checks it is a P-256 key. */
export function parsePrivateKey(pem: string | Buffer): KeyObject {
  const key = createPrivateKey(pem);
  assertP256(key, 'The token private key');
  return key;
}

const HINT = 'run `npm run start:demo` (it generates the demo key pair) or set AUTH_PUBLIC_KEY_FILE / AUTH_PRIVATE_KEY_FILE';

/** Reads a key file at startup with an error that says what to do when it is missing or unreadable. */
export function readKeyFile(path: string, what: 'public' | 'private'): Buffer {
  if (!existsSync(path)) {
    throw new Error(`The identity ${what} key file ${path} does not exist: ${HINT}`);
  }
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`The identity ${what} key file ${path} cannot be read (${error instanceof Error ? error.message : String(error)}): ${HINT}`);
  }
}

/** RFC 7638 JWK thumbprint of a public key, used as the `kid` header so a JWKS-based verifier can pick the key. */
export function keyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}
