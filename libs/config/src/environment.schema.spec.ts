import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, validateEnvironment } from './environment.schema';
import { AppConfig } from './app-config';

describe('validateEnvironment', () => {
  it('applies defaults and converts numbers and booleans', () => {
    const env = validateEnvironment({ CANTEEN_PORT: '4000', AUTH_DEV_LOGIN_ENABLED: 'false' });
    expect(env.CANTEEN_PORT).toBe(4000);
    expect(env.AUTH_DEV_LOGIN_ENABLED).toBe(false);
    expect(env.RISK_PORT).toBe(3001);
  });

  it('lists every bad value with its name and reason', () => {
    let caught: unknown;
    try {
      validateEnvironment({ CANTEEN_PORT: 'eighty', DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'localhost', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const problems = (caught as ConfigValidationError).problems.join('\n');
    expect(problems).toContain('CANTEEN_PORT="eighty"');
    expect(problems).toContain('DATABASE_URL must be a postgres:// connection URL');
    expect(problems).toContain('KAFKA_BROKERS must be a comma-separated host:port list');
    expect(problems).toContain('LOG_LEVEL="loud"');
    expect((caught as ConfigValidationError).problems).toHaveLength(4);
  });

  it('takes 1 to 64 canteen workers, 1 by default', () => {
    expect(validateEnvironment({}).CANTEEN_WORKERS).toBe(1);
    expect(new AppConfig(validateEnvironment({ CANTEEN_WORKERS: '4' })).http.canteenWorkers).toBe(4);
    expect(() => validateEnvironment({ CANTEEN_WORKERS: '0' })).toThrow(/CANTEEN_WORKERS=0/);
    expect(() => validateEnvironment({ CANTEEN_WORKERS: '65' })).toThrow(/CANTEEN_WORKERS=65/);
    expect(() => validateEnvironment({ CANTEEN_WORKERS: 'all' })).toThrow(/CANTEEN_WORKERS="all"/);
  });

  it('refuses a port out of range and a token lifetime too long', () => {
    expect(() => validateEnvironment({ RISK_PORT: '70000' })).toThrow(/RISK_PORT=70000/);
    expect(() => validateEnvironment({ AUTH_TOKEN_TTL_SECONDS: '86400' })).toThrow(/AUTH_TOKEN_TTL_SECONDS=86400/);
  });

  it('refuses the simulation clock in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production', AUTH_DEV_LOGIN_ENABLED: 'false', SIMULATION_CLOCK_ENABLED: 'true' })).toThrow(/simulation clock must be off in production/);
    expect(validateEnvironment({ NODE_ENV: 'development', SIMULATION_CLOCK_ENABLED: 'true' }).SIMULATION_CLOCK_ENABLED).toBe(true);
    expect(validateEnvironment({}).SIMULATION_CLOCK_ENABLED).toBe(false);
    expect(validateEnvironment({ SIMULATION_CLOCK_ENABLED: 'true', SIMULATION_CLOCK_START: '2026-03-02T04:00:00Z' }).SIMULATION_CLOCK_START).toBe('2026-03-02T04:00:00Z');
    expect(() => validateEnvironment({ SIMULATION_CLOCK_START: '2026-03-02T04:00:00Z' })).toThrow(/needs SIMULATION_CLOCK_ENABLED/);
    expect(() => validateEnvironment({ SIMULATION_CLOCK_ENABLED: 'true', SIMULATION_CLOCK_START: 'yesterday' })).toThrow(/SIMULATION_CLOCK_START/);
  });

  it('refuses the development login in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/development login must be off in production/);
    expect(validateEnvironment({ NODE_ENV: 'production', AUTH_DEV_LOGIN_ENABLED: 'false' }).NODE_ENV).toBe('production');
  });
});

describe('AppConfig', () => {
  it('uses the embedded transport when no broker is configured', () => {
    expect(new AppConfig(validateEnvironment({ KAFKA_BROKERS: '' })).kafka).toMatchObject({ embedded: true, brokers: [] });
    expect(new AppConfig(validateEnvironment({ KAFKA_BROKERS: '127.0.0.1:9092,host-b:9093' })).kafka).toMatchObject({
      embedded: false,
      brokers: ['127.0.0.1:9092', 'host-b:9093'],
    });
  });
});

describe('Kafka SASL settings', () => {
  const broker = { KAFKA_BROKERS: '127.0.0.1:9092' };

  it('takes a username with a password, scram-sha-512 by default', () => {
    const kafka = new AppConfig(validateEnvironment({ ...broker, KAFKA_SASL_USERNAME: 'risk-service', KAFKA_SASL_PASSWORD: 's3cret' })).kafka;
    expect(kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'risk-service', password: 's3cret' });
    expect(kafka.ssl).toBeUndefined();
    expect(new AppConfig(validateEnvironment(broker)).kafka.sasl).toBeUndefined();
  });

  it('reads the password from a file, without its trailing newline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sasl-')), 'password');
    writeFileSync(file, 'from-file\n');
    const kafka = new AppConfig(validateEnvironment({ ...broker, KAFKA_SASL_USERNAME: 'canteen-service', KAFKA_SASL_PASSWORD_FILE: file })).kafka;
    expect(kafka.sasl?.password).toBe('from-file');
  });

  it('refuses a username without a password, a password without a username, both password forms and an unreadable file', () => {
    expect(() => validateEnvironment({ ...broker, KAFKA_SASL_USERNAME: 'risk-service' })).toThrow(/KAFKA_SASL_USERNAME: needs KAFKA_SASL_PASSWORD/);
    expect(() => validateEnvironment({ ...broker, KAFKA_SASL_PASSWORD: 'x' })).toThrow(/KAFKA_SASL_PASSWORD: needs KAFKA_SASL_USERNAME/);
    expect(() => validateEnvironment({ ...broker, KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'x', KAFKA_SASL_PASSWORD_FILE: '/etc/hostname' })).toThrow(/not both/);
    expect(() => validateEnvironment({ ...broker, KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD_FILE: '/nonexistent/password' })).toThrow(/cannot be read/);
    expect(() => validateEnvironment({ ...broker, KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'x', KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('requires SASL in production when a broker is configured', () => {
    const production = { NODE_ENV: 'production', AUTH_DEV_LOGIN_ENABLED: 'false' };
    expect(() => validateEnvironment({ ...production, ...broker })).toThrow(/production with KAFKA_BROKERS needs the service's own SASL login/);
    expect(validateEnvironment({ ...production, ...broker, KAFKA_SASL_USERNAME: 'risk-service', KAFKA_SASL_PASSWORD: 'x' }).NODE_ENV).toBe('production');
    expect(validateEnvironment({ ...production, KAFKA_BROKERS: '' }).NODE_ENV).toBe('production');
  });

  it('takes TLS with an optional CA file, and refuses a CA file without TLS', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ca-')), 'ca.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\n');
    expect(new AppConfig(validateEnvironment({ ...broker, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file })).kafka.ssl).toEqual({ ca: '-----BEGIN CERTIFICATE-----\n' });
    expect(new AppConfig(validateEnvironment({ ...broker, KAFKA_SSL: 'true' })).kafka.ssl).toEqual({ ca: undefined });
    expect(() => validateEnvironment({ ...broker, KAFKA_SSL_CA_FILE: file })).toThrow(/needs KAFKA_SSL=true/);
  });
});
