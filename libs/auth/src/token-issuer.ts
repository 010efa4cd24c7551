import { KeyObject, randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { TOKEN_ALGORITHM } from './key-pair';
import { Principal } from './principal';
import { claimsToPrincipal, principalToClaims, TokenClaims } from './token-claims';

/** Who a token is issued for: a Principal without its token id (the issuer assigns one). */
export type TokenSubject = Omit<Principal, 'tokenId'>;

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Lifetime in seconds from issue. */
  expiresIn: number;
  expiresAt: Date;
  principal: Principal;
}

export interface TokenIssuerOptions {
  privateKey: KeyObject;
  /** The `kid` header (thumbprint of the matching public key). */
  keyId: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssueOverrides {
  /** Lifetime in seconds instead of the configured one. */
  ttlSeconds?: number;
  /** Issue "at" another time (tests: a token that is already expired). */
  issuedAt?: Date;
}

/**
 * Signs ES256 access tokens with our private key. Only the development login (the stand-in for the 浙政钉
 * identity provider) and tests use it; with a real provider, tokens come from the provider and this class
 * is not needed. Unavailable when the private key file is absent (e.g. the risk service holds only the public key).
 */
export class TokenIssuer {
  constructor(private readonly options: TokenIssuerOptions | undefined) {}

  /** False when the private key file was not present at startup. */
  get available(): boolean {
    return this.options !== undefined;
  }

  issue(subject: TokenSubject, overrides: IssueOverrides = {}): IssuedToken {
    const options = this.options;
    if (!options) {
      throw new Error('TokenIssuer is unavailable: the identity private key file (AUTH_PRIVATE_KEY_FILE) was missing at startup; run `npm run start:demo`');
    }
    const ttl = overrides.ttlSeconds ?? options.ttlSeconds;
    if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`token lifetime must be a positive integer of seconds, got ${ttl}`);
    const iat = Math.floor((overrides.issuedAt?.getTime() ?? Date.now()) / 1000);
    const tokenId = randomUUID();
    const claims: TokenClaims = {
      ...principalToClaims(subject),
      iss: options.issuer,
      aud: options.audience,
      jti: tokenId,
      iat,
      exp: iat + ttl,
    };
    // Validates the subject the same way the verifier will (a terminal needs its canteen, an inspector a region…).
    const principal = claimsToPrincipal({ ...claims });
    // iat is in the payload, so jsonwebtoken keeps it (and adds nothing else).
    const accessToken = sign(claims, options.privateKey, { algorithm: TOKEN_ALGORITHM, keyid: options.keyId });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: ttl,
      expiresAt: new Date((iat + ttl) * 1000),
      principal,
    };
  }
}
