import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JsonWebTokenError, sign, verify } from 'jsonwebtoken';
import { MealCodeForgedException, MealCodeMalformedException } from './meal-code.exceptions';
import { MEAL_CODE_OPTIONS, MealCodeOptions } from './meal-code.options';

/** The one algorithm of meal codes: ECDSA P-256 / SHA-256. Verification accepts nothing else. */
export const MEAL_CODE_ALGORITHM = 'ES256' as const;
export const MEAL_CODE_CURVE = 'prime256v1';
/** `iss` of every meal code; the identity tokens have another issuer, so neither is accepted as the other. */
export const MEAL_CODE_ISSUER = 'official-meal/meal-code';
/** `kind` claim and `typ` header of every meal code (login tokens carry kind staff|terminal). */
export const MEAL_CODE_KIND = 'meal-code';

/**
 * The signed claims, short names to keep the QR small:
 * `{ "c": "<canteen uuid>", "v": 3, "lat": 28.9701, "lon": 118.8593, "r": 200, "kind": "meal-code",
 *    "iat": 1763900000, "iss": "official-meal/meal-code" }` — no `exp`: validity is the version's status.
 */
export interface MealCodeClaims {
  /** Canteen id. */
  c: string;
  /** Code version, from 1. */
  v: number;
  /** Canteen latitude / longitude (WGS-84 degrees, 6 decimals) and geofence radius in metres. */
  lat: number;
  lon: number;
  r: number;
}

export interface SignedMealCodeClaims extends MealCodeClaims {
  iat: number;
}

/** A public key as JWK (RFC 7517) with its RFC 7638 thumbprint as `kid`. */
export interface MealCodePublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  alg: typeof MEAL_CODE_ALGORITHM;
  use: 'sig';
  kid: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== MEAL_CODE_CURVE) {
    throw new Error(`The meal-code ${what} key must be an EC P-256 key for ES256`);
  }
}

function writeSecretFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

/**
 * Loads (or, when allowed and both are missing, creates) the meal-code key pair from the PEM files of the
 * options. Exported for the tests and a future key-provisioning command.
 */
export function loadMealCodeKeyPair(options: Pick<MealCodeOptions, 'privateKeyFile' | 'publicKeyFile' | 'createKeysIfMissing'>): {
  privateKey: KeyObject;
  publicKey: KeyObject;
  created: boolean;
} {
  const { privateKeyFile, publicKeyFile, createKeysIfMissing } = options;
  const hasPrivate = existsSync(privateKeyFile);
  const hasPublic = existsSync(publicKeyFile);
  let created = false;
  if (!hasPrivate && !hasPublic && createKeysIfMissing) {
    const pair = generateKeyPairSync('ec', { namedCurve: MEAL_CODE_CURVE });
    writeSecretFile(privateKeyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    writeSecretFile(publicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    created = true;
  } else if (!hasPrivate) {
    throw new Error(
      `The meal-code private key file ${privateKeyFile} does not exist` +
        (hasPublic ? ` but its public key ${publicKeyFile} does; restore the private key or remove both to generate a new pair` : '; provision it or enable MEAL_CODE_CREATE_KEYS_IF_MISSING'),
    );
  } else if (!hasPublic) {
    writeSecretFile(publicKeyFile, createPublicKey(createPrivateKey(readFileSync(privateKeyFile))).export({ type: 'spki', format: 'pem' }).toString());
    created = true;
  }
  const privateKey = createPrivateKey(readFileSync(privateKeyFile));
  const publicKey = createPublicKey(readFileSync(publicKeyFile));
  assertP256(privateKey, 'private');
  assertP256(publicKey, 'public');
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new Error(`The meal-code key files ${privateKeyFile} and ${publicKeyFile} are not one key pair`);
  }
  return { privateKey, publicKey, created };
}

function roundCoordinate(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function isFiniteInRange(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

/** Signs meal codes with the dedicated ES256 key and checks scanned ones: signature, algorithm, issuer, kind, claims. */
@Injectable()
export class MealCodeSigner {
  private readonly logger = new Logger(MealCodeSigner.name);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(@Inject(MEAL_CODE_OPTIONS) options: MealCodeOptions) {
    const pair = loadMealCodeKeyPair(options);
    if (pair.created) this.logger.warn(`Generated a new meal-code key pair at ${options.privateKeyFile}`);
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    const jwk = this.publicKey.export({ format: 'jwk' });
    this.keyId = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  get publicJwk(): MealCodePublicJwk {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y), alg: MEAL_CODE_ALGORITHM, use: 'sig', kid: this.keyId };
  }

  sign(claims: MealCodeClaims, issuedAt: Date): string {
    const payload = {
      c: claims.c,
      v: claims.v,
      lat: roundCoordinate(claims.lat),
      lon: roundCoordinate(claims.lon),
      r: claims.r,
      kind: MEAL_CODE_KIND,
      iat: Math.floor(issuedAt.getTime() / 1000),
    };
    return sign(payload, this.privateKey, {
      algorithm: MEAL_CODE_ALGORITHM,
      issuer: MEAL_CODE_ISSUER,
      header: { alg: MEAL_CODE_ALGORITHM, typ: MEAL_CODE_KIND },
    });
  }

  /** The claims of a JWS signed by our meal-code key; MALFORMED or FORGED otherwise. */
  verify(token: string): SignedMealCodeClaims {
    const header = this.decodeHeader(token);
    if (header.alg !== MEAL_CODE_ALGORITHM) throw new MealCodeForgedException(`algorithm ${JSON.stringify(header.alg)} is not ${MEAL_CODE_ALGORITHM}`);
    if (header.typ !== MEAL_CODE_KIND) throw new MealCodeForgedException('not a meal-code token (typ)');
    let decoded: unknown;
    try {
      decoded = verify(token, this.publicKey, {
        algorithms: [MEAL_CODE_ALGORITHM],
        issuer: MEAL_CODE_ISSUER,
        ignoreExpiration: false,
        complete: false,
      });
    } catch (error) {
      if (error instanceof JsonWebTokenError) {
        if (error.message === 'jwt malformed' || error.message.startsWith('invalid token')) throw new MealCodeMalformedException(error.message);
        throw new MealCodeForgedException(error.message);
      }
      // The ES256 check itself throws (not a JsonWebTokenError) on a signature of the wrong length, e.g. a cut-off
      // signature or an HMAC one: still a signature that is not ours.
      throw new MealCodeForgedException(error instanceof Error ? error.message : 'the signature cannot be checked');
    }
    if (typeof decoded !== 'object' || decoded === null) throw new MealCodeMalformedException('the payload is not a JSON object');
    return this.checkClaims(decoded as Record<string, unknown>);
  }

  private decodeHeader(token: string): Record<string, unknown> {
    const [encodedHeader, , signature] = token.split('.');
    if (!signature) throw new MealCodeForgedException('the token is not signed');
    try {
      const header: unknown = JSON.parse(Buffer.from(encodedHeader ?? '', 'base64url').toString('utf8'));
      if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('not an object');
      return header as Record<string, unknown>;
    } catch {
      throw new MealCodeMalformedException('unreadable JWS header');
    }
  }

  private checkClaims(payload: Record<string, unknown>): SignedMealCodeClaims {
    // Signed with our key but not a meal code (key misuse) — refuse as not-ours.
    if (payload.kind !== MEAL_CODE_KIND) throw new MealCodeForgedException('not a meal-code token (kind)');
    const { c, v, lat, lon, r, iat } = payload;
    if (typeof c !== 'string' || !UUID.test(c)) throw new MealCodeMalformedException('claim `c` is not a canteen id');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2_147_483_647) throw new MealCodeMalformedException('claim `v` is not a version');
    if (!isFiniteInRange(lat, -90, 90) || !isFiniteInRange(lon, -180, 180)) throw new MealCodeMalformedException('claims `lat`/`lon` are not coordinates');
    if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw new MealCodeMalformedException('claim `r` is not a radius');
    if (typeof iat !== 'number' || !Number.isInteger(iat)) throw new MealCodeMalformedException('claim `iat` is missing');
    return { c: c.toLowerCase(), v, lat, lon, r, iat };
  }
}
