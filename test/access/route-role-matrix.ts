import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHODS } from 'node:http';
import request from 'supertest';
import { ALL_ROLES, ensureKeyPairFiles, Role, TokenIssuer, TokenSubject } from '@meal/auth';
import { configureHttpApp } from '@meal/platform';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { RouteAccessTable } from './route-access.expectations';

/**
 * The route × role matrix: boots each service as in production (configureHttpApp: validation, error filter, docs),
 * discovers every HTTP route from the Express router, and for each route calls it as every role with a real token
 * and without a token. Allowed roles must pass the guard, the others must get 403 ROLE_NOT_ALLOWED, and no token
 * 401 TOKEN_MISSING — except @Public routes. The expectations are the explicit table in route-access.expectations.ts.
 */

const DUMMY_ID = '00000000-0000-4000-8000-00000000abcd';
/** 403 codes the guard produces; any other 403 (e.g. a scope check in the handler) means the guard let the call in. */
const GUARD_DENIALS = new Set(['ROLE_NOT_ALLOWED', 'ROUTE_NOT_ANNOTATED']);

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * Every `METHOD path` registered on the Express router (Nest controllers, Swagger, anything else). A route layer
 * registered for every HTTP method at once is Nest middleware bound with `forRoutes('*')` (logging, metrics),
 * not an endpoint, and is skipped.
 */
function discoverRoutes(app: INestApplication): string[] {
  const instance = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] }; _router?: { stack: ExpressLayer[] } };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  const routes = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    if (Object.keys(layer.route.methods).length >= METHODS.length - 1 || layer.route.methods._all) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (enabled && method !== '_all') routes.add(`${method.toUpperCase()} ${path}`);
      }
    }
  }
  return [...routes].sort();
}

/** A concrete URL for a route pattern: parameters become a dummy uuid. */
function concretePath(pattern: string): string {
  return pattern
    .replace(/[{}]/g, '')
    .replace(/:\w+/g, DUMMY_ID)
    .replace(/\*\w*/g, 'x');
}

type Caller = Role | 'no token';

function subjectFor(role: Role): TokenSubject {
  const base = { subject: '00000000-0000-4000-8000-00000000beef', name: `matrix ${role}` };
  switch (role) {
    case Role.Terminal:
      return { ...base, kind: 'terminal', roles: [Role.Terminal], canteenId: DUMMY_ID };
    case Role.Inspector:
      return { ...base, kind: 'staff', roles: [Role.Inspector], unitId: DUMMY_ID, regionCode: '330800' };
    default:
      return { ...base, kind: 'staff', roles: [role], unitId: DUMMY_ID };
  }
}

interface Outcome {
  caller: Caller;
  status: number;
  code?: string;
}

async function call(app: INestApplication, route: string, token: string | undefined): Promise<{ status: number; code?: string }> {
  const [method, pattern] = route.split(' ');
  const path = concretePath(pattern);
  const agent = request(app.getHttpServer());
  const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
  let req = agent[verb](path);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  if (!['get', 'head', 'delete', 'options'].includes(verb)) req = req.send({});
  const res = await req;
  const body = res.body as { code?: unknown } | undefined;
  return { status: res.status, code: typeof body?.code === 'string' ? body.code : undefined };
}

export function describeMatrix(name: string, createModule: (overrides: Record<string, string>) => DynamicModule, table: RouteAccessTable): void {
  describe(`route × role matrix: ${name}`, () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'meal-matrix-'));
    const keys = { AUTH_PRIVATE_KEY_FILE: join(keyDir, 'private.pem'), AUTH_PUBLIC_KEY_FILE: join(keyDir, 'public.pem') };
    let database: TestDatabase;
    let app: NestExpressApplication;
    let routes: string[] = [];
    const tokens = new Map<Role, string>();

    beforeAll(async () => {
      ensureKeyPairFiles(keys.AUTH_PRIVATE_KEY_FILE, keys.AUTH_PUBLIC_KEY_FILE);
      database = await createTestDatabase(`matrix${name}`);
      const moduleRef = await Test.createTestingModule({
        imports: [createModule({ DATABASE_URL: database.url, KAFKA_BROKERS: '', LOG_LEVEL: 'silent', ...keys })],
      }).compile();
      app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
      configureHttpApp(app, { title: `${name} (matrix test)`, description: 'route × role matrix' });
      await app.init();
      routes = discoverRoutes(app);
      const issuer = app.get(TokenIssuer);
      for (const role of ALL_ROLES) tokens.set(role, issuer.issue(subjectFor(role)).accessToken);
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('finds routes', () => {
      expect(routes.length).toBeGreaterThan(0);
    });

    it('every discovered route is in the expectations table', () => {
      expect(routes.filter((route) => !(route in table))).toEqual([]);
    });

    it('every table entry is a discovered route', () => {
      expect(Object.keys(table).filter((route) => !routes.includes(route))).toEqual([]);
    });

    it('each route answers each role as the table says', async () => {
      const problems: string[] = [];
      for (const route of routes) {
        const expected = table[route];
        if (expected === undefined) continue;
        const outcomes: Outcome[] = [];
        for (const role of ALL_ROLES) outcomes.push({ caller: role, ...(await call(app, route, tokens.get(role))) });
        outcomes.push({ caller: 'no token', ...(await call(app, route, undefined)) });
        for (const outcome of outcomes) {
          const allowed = expected === 'public' || (outcome.caller !== 'no token' && expected.includes(outcome.caller));
          const said = `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`;
          if (allowed) {
            if (outcome.status === 401 || (outcome.status === 403 && GUARD_DENIALS.has(outcome.code ?? ''))) {
              problems.push(`${route} as ${outcome.caller}: expected to pass the guard, got ${said}`);
            }
          } else if (outcome.caller === 'no token') {
            if (outcome.status !== 401 || outcome.code !== 'TOKEN_MISSING') problems.push(`${route} without token: expected 401 TOKEN_MISSING, got ${said}`);
          } else if (outcome.status !== 403 || outcome.code !== 'ROLE_NOT_ALLOWED') {
            problems.push(`${route} as ${outcome.caller}: expected 403 ROLE_NOT_ALLOWED, got ${said}`);
          }
          if (outcome.status >= 500 && outcome.status !== 503) problems.push(`${route} as ${outcome.caller}: server error ${said} (a dummy request must never cause a 5xx)`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
}
