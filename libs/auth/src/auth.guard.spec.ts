import { Controller, Get, INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createPublicKey } from 'node:crypto';
import request from 'supertest';
import { DomainExceptionFilter } from '@meal/platform/errors/domain-exception.filter';
import { CurrentPrincipal, Public, Roles } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import { generateKeyPair, keyId, parsePrivateKey, parsePublicKey } from './key-pair';
import { Principal } from './principal';
import { Role } from './role.enum';
import { TokenIssuer } from './token-issuer';
import { LocalKeyTokenVerifier, TOKEN_VERIFIER } from './token-verifier';

@Controller('open')
class OpenController {
  @Get()
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }
}

@Controller('plain')
class UnannotatedController {
  @Get()
  forgotten(): { ok: true } {
    return { ok: true };
  }
}

@Controller('admin')
@Roles(Role.Admin)
class AdminController {
  @Get()
  list(@CurrentPrincipal() principal: Principal): { subject: string } {
    return { subject: principal.subject };
  }

  @Get('inspect')
  @Roles(Role.Inspector, Role.Admin)
  inspect(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  publicInside(): { ok: true } {
    return { ok: true };
  }
}

const ISSUER = 'https://identity.test';
const AUDIENCE = 'official-meal-test';

describe('AuthGuard (global, secure by default)', () => {
  let app: INestApplication;
  const pair = generateKeyPair();
  const privateKey = parsePrivateKey(pair.privateKeyPem);
  const issuer = new TokenIssuer({ privateKey, keyId: keyId(createPublicKey(privateKey)), issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 900 });
  const diner = issuer.issue({ subject: 'staff-1', kind: 'staff', roles: [Role.Diner], name: 'D' }).accessToken;
  const admin = issuer.issue({ subject: 'staff-2', kind: 'staff', roles: [Role.Diner, Role.Admin], name: 'A' }).accessToken;
  const inspector = issuer.issue({ subject: 'staff-3', kind: 'staff', roles: [Role.Inspector], name: 'I', regionCode: '330800' }).accessToken;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [OpenController, UnannotatedController, AdminController],
      providers: [
        { provide: TOKEN_VERIFIER, useValue: new LocalKeyTokenVerifier({ publicKey: parsePublicKey(pair.publicKeyPem), issuer: ISSUER, audience: AUDIENCE }) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new DomainExceptionFilter());
    await app.init();
  });

  afterAll(() => app.close());

  it('lets a @Public route pass without a token', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { ok: true });
  });

  it('a method-level @Public inside a @Roles controller is public', async () => {
    await request(app.getHttpServer()).get('/admin/open').expect(200);
  });

  it('refuses an unannotated route with 403 ROUTE_NOT_ANNOTATED, even with a token', async () => {
    const res = await request(app.getHttpServer()).get('/plain').set('Authorization', `Bearer ${admin}`).expect(403);
    expect(res.body.code).toBe('ROUTE_NOT_ANNOTATED');
    await request(app.getHttpServer()).get('/plain').expect(403);
  });

  it('answers 401 TOKEN_MISSING without the header', async () => {
    const res = await request(app.getHttpServer()).get('/admin').expect(401);
    expect(res.body.code).toBe('TOKEN_MISSING');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 TOKEN_INVALID for a malformed header or a bad token', async () => {
    for (const header of [`Basic ${admin}`, 'Bearer', `Bearer ${admin}x`, 'Bearer a.b.c']) {
      const res = await request(app.getHttpServer()).get('/admin').set('Authorization', header).expect(401);
      expect(res.body.code).toBe('TOKEN_INVALID');
    }
  });

  it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
    const expired = issuer.issue({ subject: 'staff-2', kind: 'staff', roles: [Role.Admin], name: 'A' }, { issuedAt: new Date(Date.now() - 3600_000) });
    const res = await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${expired.accessToken}`).expect(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
  });

  it('answers 403 ROLE_NOT_ALLOWED naming the roles for a wrong role', async () => {
    const res = await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${diner}`).expect(403);
    expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
    expect(res.body.message).toContain('admin');
  });

  it('lets the right role pass and sets the principal', async () => {
    await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${admin}`).expect(200, { subject: 'staff-2' });
    await request(app.getHttpServer()).get('/admin').set('authorization', `bearer ${admin}`).expect(200);
  });

  it('a method-level @Roles overrides the controller one', async () => {
    await request(app.getHttpServer()).get('/admin/inspect').set('Authorization', `Bearer ${inspector}`).expect(200);
    await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${inspector}`).expect(403);
  });
});
