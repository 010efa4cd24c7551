import { KeyObject } from 'node:crypto';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError, verify } from 'jsonwebtoken';
import { TokenExpiredException, TokenInvalidException } from './auth.errors';
import { TOKEN_ALGORITHM } from './key-pair';
import { Principal } from './principal';
import { claimsToPrincipal, InvalidClaimsError } from './token-claims';

/**
 * Turns a bearer token into a verified Principal, or throws TokenInvalidException / TokenExpiredException.
 *
 * Pluggable: the guard depends only on this interface, bound to TOKEN_VERIFIER. Today the binding is
 * LocalKeyTokenVerifier (our own key pair, the development login being the stand-in identity provider).
 * A real 浙政钉 (Zhejiang government DingTalk) integration plugs in a different class bound to the same token,
 * e.g. `AuthModule.forRoot({ verifier: ZhengzhengdingTokenVerifier })`, which would:
 *   - fetch the provider's JWKS (or configured public keys) over HTTPS, cache it, pick the key by the `kid`
 *     header and refresh on an unknown kid (rate-limited);
 *   - pin the provider's algorithm(s) exactly as done here (`algorithms: [...]`, never `none`/HS*), check its
 *     `iss`/`aud`/`exp`/`nbf` with a small clock tolerance;
 *   - map the provider's claims (its user id → staff.external_identity_id) to our Principal, looking the staff
 *     member and role assignments up in our database (roles are ours, not the provider's).
 */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** Injection token of the TokenVerifier the AuthGuard uses. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export interface LocalKeyTokenVerifierOptions {
  publicKey: KeyObject;
  issuer: string;
  audience: string;
  /** Allowed clock skew in seconds for exp/nbf/iat; at most 30. */
  clockToleranceSeconds?: number;
  /** Longest accepted token lifetime (exp − iat) in seconds; a longer-lived token is refused. */
  maxLifetimeSeconds?: number;
  /** For tests: the current time. */
  now?: () => Date;
}

const MAX_TOKEN_LENGTH = 4096;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Verifies ES256 tokens signed with our identity key pair (the public key file of AppConfig.auth). */
/** How many verified tokens LocalKeyTokenVerifier remembers (about the diners of a large canteen's lunch). */
const VERIFIED_CACHE_SIZE = 20_000;

export class LocalKeyTokenVerifier implements TokenVerifier {
  /**
   * Tokens already verified, by their exact text, with their expiry: a diner's phone and a terminal send the same
   * token on every request, and the ES256 verify is the costliest step of a scan. A hit skips only the signature
   * and claim checks that cannot change for the same text; the expiry is checked again on every hit. Bounded
   * (oldest evicted first).
   */
  private readonly verified = new Map<string, { principal: Principal; exp: number }>();
  private readonly clockTolerance: number;
  private readonly maxLifetime: number;
  private readonly now: () => Date;

  constructor(private readonly options: LocalKeyTokenVerifierOptions) {
    this.clockTolerance = Math.min(Math.max(options.clockToleranceSeconds ?? 30, 0), 30);
    this.maxLifetime = options.maxLifetimeSeconds ?? 3600;
    // Date.now (not `new Date()`) so tests can move the clock with jest.spyOn(Date, 'now').
    this.now = options.now ?? (() => new Date(Date.now()));
  }

  async verify(token: string): Promise<Principal> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenInvalidException('the token is too long');
    // An unsigned token (`alg: none`) has an empty third part and fails here already; jsonwebtoken would refuse it too.
    if (!JWT_SHAPE.test(token)) throw new TokenInvalidException('not a signed JWT (header.payload.signature)');
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const cached = this.verified.get(token);
    if (cached) {
      // the same rule as jsonwebtoken's: expired once now ≥ exp + tolerance
      if (nowSeconds >= cached.exp + this.clockTolerance) {
        this.verified.delete(token);
        throw new TokenExpiredException(new Date(cached.exp * 1000));
      }
      return cached.principal;
    }
    let payload: Record<string, unknown>;
    try {
      const decoded = verify(token, this.options.publicKey, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.clockTolerance,
        clockTimestamp: nowSeconds,
        complete: false,
      });
      if (typeof decoded !== 'object' || decoded === null) throw new TokenInvalidException('the payload is not a JSON object');
      payload = decoded as Record<string, unknown>;
    } catch (error) {
      throw this.translate(error);
    }
    // jsonwebtoken checks exp/nbf only when present; we require exp and iat, and a bounded lifetime.
    const { exp, iat } = payload;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TokenInvalidException('claim `exp` is missing');
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new TokenInvalidException('claim `iat` is missing');
    if (iat > nowSeconds + this.clockTolerance) throw new TokenInvalidException('the token was issued in the future (`iat`)');
    if (exp - iat > this.maxLifetime) throw new TokenInvalidException(`the token lives longer than ${this.maxLifetime} s`);
    let principal: Principal;
    try {
      principal = claimsToPrincipal(payload);
    } catch (error) {
      if (error instanceof InvalidClaimsError) throw new TokenInvalidException(error.message);
      throw error;
    }
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { principal, exp });
    return principal;
  }

  private translate(error: unknown): Error {
    if (error instanceof TokenInvalidException) return error;
    if (error instanceof TokenExpiredError) return new TokenExpiredException(error.expiredAt);
    if (error instanceof NotBeforeError) return new TokenInvalidException('the token is not valid yet (`nbf`)');
    if (error instanceof JsonWebTokenError) return new TokenInvalidException(error.message.replace(/\. expected: .*$/s, ''));
    return new TokenInvalidException('the token cannot be verified');
  }
}
