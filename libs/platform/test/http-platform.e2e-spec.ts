import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import request from 'supertest';
import { ConfigModule } from '@meal/config';
import { configureHttpApp } from '../src/http/bootstrap';
import { LoggingModule } from '../src/logging/logging.module';
import { MetricsModule } from '../src/metrics/metrics.module';
import { CorrelationContext } from '../src/logging/correlation-context';
import { DomainErrorKind, DomainException } from '../src/errors/domain.exception';

class CreateThingDto {
  @ApiProperty() @IsString() @MaxLength(20) name!: string;
  @ApiProperty() @IsInt() @Min(0) @Max(4000) priceFen!: number;
}

const written: CreateThingDto[] = [];

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() body: CreateThingDto): { ok: true; correlationId?: string } {
    written.push(body);
    return { ok: true, correlationId: CorrelationContext.current() };
  }

  @Get('missing')
  missing(): never {
    throw new DomainException('THING_NOT_FOUND', DomainErrorKind.NotFound, 'No such thing', [{ field: 'id', message: 'unknown id' }]);
  }

  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('HTTP platform: validation, error bodies, correlation ids', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ LOG_LEVEL: 'silent', HTTP_BODY_LIMIT_BYTES: '2048' }), LoggingModule.forRoot('test'), MetricsModule, ThingsModule],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    configureHttpApp(app, { title: 'test', description: 'test' });
    await app.init();
  });
  afterAll(() => app.close());
  beforeEach(() => void (written.length = 0));

  it('accepts a valid body and runs the handler inside the caller correlation id', async () => {
    const res = await request(app.getHttpServer()).post('/things').set('x-correlation-id', 'abc-123').send({ name: '衢州', priceFen: 1500 });
    expect(res.status).toBe(201);
    expect(res.headers['x-correlation-id']).toBe('abc-123');
    expect(res.body).toEqual({ ok: true, correlationId: 'abc-123' });
    expect(written).toHaveLength(1);
  });

  it('makes a correlation id when the caller sends none or a malformed one', async () => {
    const res = await request(app.getHttpServer()).post('/things').set('x-correlation-id', 'bad id with spaces').send({ name: 'a', priceFen: 1 });
    expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.correlationId).toBe(res.headers['x-correlation-id']);
  });

  it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await request(app.getHttpServer()).post('/things').set('content-type', 'application/json').send('{"name": "x",');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect(written).toHaveLength(0);
  });

  it('refuses unknown fields, naming them', async () => {
    const res = await request(app.getHttpServer()).post('/things').send({ name: 'x', priceFen: 1, isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details).toContainEqual({ field: 'isAdmin', message: 'property isAdmin should not exist' });
    expect(written).toHaveLength(0);
  });

  it('refuses wrong types and out-of-range values, naming each field', async () => {
    const res = await request(app.getHttpServer()).post('/things').send({ name: 42, priceFen: 4001 });
    expect(res.status).toBe(400);
    const fields = (res.body.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'priceFen']));
    expect(res.body.message).toMatch(/priceFen: priceFen must not be greater than 4000/);
    expect(written).toHaveLength(0);
  });

  it('refuses a string where an integer is expected (no implicit conversion)', async () => {
    const res = await request(app.getHttpServer()).post('/things').send({ name: 'x', priceFen: '100' });
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ field: 'priceFen' }));
  });

  it('refuses an oversized body with 413 and stays up', async () => {
    const res = await request(app.getHttpServer()).post('/things').send({ name: 'x'.repeat(5000), priceFen: 1 });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('BODY_TOO_LARGE');
    const after = await request(app.getHttpServer()).post('/things').send({ name: 'ok', priceFen: 1 });
    expect(after.status).toBe(201);
  });

  it('maps a domain exception to its status with code and field details', async () => {
    const res = await request(app.getHttpServer()).get('/things/missing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'THING_NOT_FOUND', message: 'No such thing', details: [{ field: 'id', message: 'unknown id' }] });
    expect(res.body.correlationId).toBe(res.headers['x-correlation-id']);
  });

  it('hides the internals of an unexpected error', async () => {
    const res = await request(app.getHttpServer()).get('/things/boom');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body.code).toBe('INTERNAL_ERROR');
  });

  it('serves the OpenAPI document', async () => {
    const res = await request(app.getHttpServer()).get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/things']).toBeDefined();
  });
});
