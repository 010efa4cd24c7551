import { DynamicModule, Logger, Module, Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { AppConfig } from '@meal/config/app-config';
import { AuthGuard } from './auth.guard';
import { keyId, parsePrivateKey, parsePublicKey, readKeyFile } from './key-pair';
import { TokenIssuer } from './token-issuer';
import { LocalKeyTokenVerifier, TOKEN_VERIFIER, TokenVerifier } from './token-verifier';

export interface AuthModuleOptions {
  /**
   * Another TokenVerifier (e.g. one reading the 浙政钉 provider's JWKS), instantiated by Nest with DI.
   * Default: LocalKeyTokenVerifier on AppConfig.auth.publicKeyFile.
   */
  verifier?: Type<TokenVerifier>;
}

/** Loads the public key at startup; a missing or wrong file stops the service with a message saying what to do. */
function createLocalVerifier(config: AppConfig): LocalKeyTokenVerifier {
  const publicKey = parsePublicKey(readKeyFile(config.auth.publicKeyFile, 'public'));
  return new LocalKeyTokenVerifier({
    publicKey,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    clockToleranceSeconds: 30,
    maxLifetimeSeconds: config.auth.tokenTtlSeconds,
  });
}

/**
 * The private key is optional: a service that only verifies (risk) need not hold it. When present it must
 * belong to the configured public key, otherwise every issued token would be refused.
 */
function createIssuer(config: AppConfig): TokenIssuer {
  const { privateKeyFile, publicKeyFile } = config.auth;
  if (!existsSync(privateKeyFile)) {
    new Logger('AuthModule').log(`No identity private key at ${privateKeyFile}: this service verifies tokens but cannot issue them`);
    return new TokenIssuer(undefined);
  }
  const privateKey = parsePrivateKey(readKeyFile(privateKeyFile, 'private'));
  const derivedId = keyId(createPublicKey(privateKey));
  if (existsSync(publicKeyFile) && keyId(parsePublicKey(readKeyFile(publicKeyFile, 'public'))) !== derivedId) {
    throw new Error(`The identity key files ${privateKeyFile} and ${publicKeyFile} do not belong to the same key pair`);
  }
  return new TokenIssuer({
    privateKey,
    keyId: derivedId,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    ttlSeconds: config.auth.tokenTtlSeconds,
  });
}

/**
 * Authentication and role checks for every route: provides TOKEN_VERIFIER, TokenIssuer and the global AuthGuard.
 * Import once per service, in the root module.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    const verifier: Provider = options.verifier
      ? { provide: TOKEN_VERIFIER, useClass: options.verifier }
      : { provide: TOKEN_VERIFIER, inject: [AppConfig], useFactory: createLocalVerifier };
    return {
      module: AuthModule,
      global: true,
      providers: [
        verifier,
        { provide: TokenIssuer, inject: [AppConfig], useFactory: createIssuer },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TOKEN_VERIFIER, TokenIssuer],
    };
  }
}
