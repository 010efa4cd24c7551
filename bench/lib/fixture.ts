import { createPublicKey, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sign } from 'jsonwebtoken';
import { ensureKeyPairFiles, keyId, parsePrivateKey } from '@meal/auth';
import { BenchCanteen } from './prepare';

const ISSUER = 'https://identity.official-meal.local';
const AUDIENCE = 'official-meal';

// ── keys and tokens ──────────────────────────────────────────────────────────────────────────────────────────
export interface Keys {
  dir: string;
  env: Record<string, string>;
  signToken: (claims: Record<string, unknown>) => string;
}

export function makeKeys(): Keys {
  const dir = join(tmpdir(), `meal-bench-keys-${process.pid}`);
  const identityPrivate = join(dir, 'identity-private.pem');
  const identityPublic = join(dir, 'identity-public.pem');
  const codePrivate = join(dir, 'meal-code-private.pem');
  const codePublic = join(dir, 'meal-code-public.pem');
  ensureKeyPairFiles(identityPrivate, identityPublic);
  ensureKeyPairFiles(codePrivate, codePublic);
  const privateKey = parsePrivateKey(readFileSync(identityPrivate));
  const kid = keyId(createPublicKey(privateKey));
  return {
    dir,
    env: {
      AUTH_PRIVATE_KEY_FILE: identityPrivate,
      AUTH_PUBLIC_KEY_FILE: identityPublic,
      MEAL_CODE_PRIVATE_KEY_FILE: codePrivate,
      MEAL_CODE_PUBLIC_KEY_FILE: codePublic,
      MEAL_CODE_CREATE_KEYS_IF_MISSING: 'false',
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_TOKEN_TTL_SECONDS: '3600',
    },
    signToken: (claims) => {
      const iat = Math.floor(Date.now() / 1000);
      return sign({ iss: ISSUER, aud: AUDIENCE, jti: randomUUID(), iat, exp: iat + 3600, ...claims }, privateKey, { algorithm: 'ES256', keyid: kid });
    },
  };
}

export async function issueMealCodes(baseUrl: string, adminToken: string, canteens: BenchCanteen[]): Promise<Map<string, string>> {
  const codes = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < canteens.length) {
      const c = canteens[next++]!;
      const res = await fetch(`${baseUrl}/canteens/${c.id}/meal-codes`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
      const body = (await res.json()) as { text?: string };
      if (!res.ok || !body.text) throw new Error(`issuing the meal code of ${c.id}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      codes.set(c.id, body.text);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return codes;
}


/** Where buildBenchServices puts the two services' entry points (`bench/<outDir>/…`). */
export function benchServiceEntries(repo: string, outDir = 'dist'): { canteen: string; risk: string } {
  return { canteen: join(repo, `bench/${outDir}/canteen/apps/canteen/src/main.js`), risk: join(repo, `bench/${outDir}/risk/apps/risk/src/main.js`) };
}

/**
 * Builds both services into bench/<outDir> (git-ignored) with the Nest CLI (tsc builder). Each tool has its own
 * outDir so one tool's build never replaces the files another tool is running. nest-cli.json copies the web assets
 * to the default dist only, so the static pages are copied beside their controllers here.
 */
export function buildBenchServices(repo: string, outDir = 'dist'): void {
  // the Nest CLI resolves --path from the workspace, so the build configuration lives in the (git-ignored) output dir
  const configDir = join(repo, `bench/${outDir}`);
  mkdirSync(configDir, { recursive: true });
  for (const [app, assets] of [
    ['canteen', 'apps/canteen/src/web/public'],
    ['risk', 'apps/risk/src/console/public'],
  ] as const) {
    const tsconfig = join(configDir, `tsconfig.${app}.json`);
    writeFileSync(tsconfig, JSON.stringify({ extends: join(repo, `apps/${app}/tsconfig.app.json`), compilerOptions: { outDir: join(repo, `bench/${outDir}/${app}`) } }));
    execFileSync('npx', ['nest', 'build', app, '--path', relative(repo, tsconfig)], { cwd: repo, stdio: 'inherit' });
    const from = join(repo, assets);
    if (existsSync(from)) cpSync(from, join(repo, `bench/${outDir}/${app}`, assets), { recursive: true });
  }
}
