import { accessSync, constants } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** Every environment variable the services read, with its validation. Read once at boot, nowhere else. */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL = 'postgres://root@127.0.0.1:5432/official_meal';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /** Comma-separated host:port list. Empty means the embedded in-process transport. */
  @IsOptional()
  @Matches(/^$|^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, { message: 'KAFKA_BROKERS must be a comma-separated host:port list, or empty for the embedded transport' })
  KAFKA_BROKERS = '';

  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'KAFKA_CLIENT_ID must be lower-case letters, digits and dashes' })
  KAFKA_CLIENT_ID = 'official-meal';

  /** Prefix for every topic name, so tests and tenants can share one broker. */
  @IsOptional()
  @Matches(/^$|^[a-z0-9][a-z0-9.-]*$/, { message: 'KAFKA_TOPIC_PREFIX must be lower-case letters, digits, dots and dashes' })
  KAFKA_TOPIC_PREFIX = '';

  /**
   * SASL login to the broker: each service is its own principal (canteen-service, risk-service) and the broker's ACLs
   * allow it only its own topics. Username and password (or a file holding it) come together or not at all;
   * production with a broker requires them. The broker's credentials file: `bash scripts/kafka/kafka.sh credentials`.
   */
  @IsIn(['scram-sha-512', 'scram-sha-256'])
  KAFKA_SASL_MECHANISM: 'scram-sha-512' | 'scram-sha-256' = 'scram-sha-512';

  @IsOptional()
  @Matches(/^$|^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'KAFKA_SASL_USERNAME must be letters, digits, dots, dashes and underscores' })
  KAFKA_SASL_USERNAME = '';

  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD = '';

  /** A file holding the password (Docker secrets and the like); trailing newlines are dropped. */
  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD_FILE = '';

  /** TLS to the broker (its SASL_SSL listener). */
  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_SSL = false;

  /** PEM file of the CA that signed the broker's certificate (default: the system's CAs). Needs KAFKA_SSL=true. */
  @IsOptional()
  @IsString()
  KAFKA_SSL_CA_FILE = '';

  /**
   * Embedded transport only: applications in one process that name the same bus share its topics (the all-in-one
   * mode runs the canteen and risk services together so meal events reach the risk consumers in-process).
   */
  @IsOptional()
  @Matches(/^$|^[a-z0-9-]+$/, { message: 'KAFKA_EMBEDDED_BUS must be lower-case letters, digits and dashes' })
  KAFKA_EMBEDDED_BUS = '';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  CANTEEN_PORT = 3000;

  /**
   * Processes of the canteen service sharing its port (node:cluster): one per core the host gives it. 1 runs no
   * cluster primary. The terminal feed crosses processes and hosts through PostgreSQL LISTEN/NOTIFY.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(64)
  CANTEEN_WORKERS = 1;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  RISK_PORT = 3001;

  /**
   * Risk service: the most facts (meals, claims, reception records) a shadow replay keeps in memory (about 0.4 KB a
   * meal). A replay over more history stops as failed at that point instead of pushing the service past its heap limit,
   * which would stop the live warnings too.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(50_000_000)
  RISK_REPLAY_MAX_FACTS = 500_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** PEM files of the identity key pair (the stand-in for 浙政钉). Generated into .run/keys by the demo script. */
  @IsString()
  AUTH_PRIVATE_KEY_FILE = '.run/keys/identity-private.pem';

  @IsString()
  AUTH_PUBLIC_KEY_FILE = '.run/keys/identity-public.pem';

  @IsString()
  AUTH_ISSUER = 'https://identity.official-meal.local';

  @IsString()
  AUTH_AUDIENCE = 'official-meal';

  @Transform(toInteger)
  @IsInt()
  @Min(60)
  @Max(3600)
  AUTH_TOKEN_TTL_SECONDS = 900;

  /** The development login issues tokens for seeded people without a password. Never on in production. */
  @Transform(toBoolean)
  @IsBoolean()
  AUTH_DEV_LOGIN_ENABLED = true;

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES = 1024 * 1024;

  /** The meal-code (用餐码) signing key pair: a dedicated ES256 key, never the identity key. */
  @IsString()
  MEAL_CODE_PRIVATE_KEY_FILE = '.run/keys/meal-code-private.pem';

  @IsString()
  MEAL_CODE_PUBLIC_KEY_FILE = '.run/keys/meal-code-public.pem';

  /** Create the meal-code key pair when missing (development); production provisions one shared pair. */
  @Transform(toBoolean)
  @IsBoolean()
  MEAL_CODE_CREATE_KEYS_IF_MISSING = true;

  /** The QR text is `<base>/m/<signed code>`, so a phone camera opens the diner page. */
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*\/?$/, { message: 'MEAL_CODE_PUBLIC_BASE_URL must look like https://host[:port][/path]' })
  MEAL_CODE_PUBLIC_BASE_URL = 'https://meal.official-meal.local';

  /** Further base URLs whose codes are still accepted (posters printed before a host change), comma-separated. */
  @IsOptional()
  @IsString()
  MEAL_CODE_ACCEPTED_BASE_URLS = '';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  MEAL_CODE_DEFAULT_GRACE_SECONDS = 24 * 3600;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  MEAL_CODE_MAX_GRACE_SECONDS = 7 * 24 * 3600;

  /** A scan whose phone is outside the canteen's geofence: `refuse` it (422 OUTSIDE_GEOFENCE) or `flag` it (recorded, within_geofence=false). */
  @IsIn(['refuse', 'flag'])
  SCAN_GEOFENCE_POLICY: 'refuse' | 'flag' = 'refuse';

  /** Extra metres beyond the canteen's radius before a scan counts as outside (the phone's reported accuracy, capped at 100 m, is added too). */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(5000)
  SCAN_GEOFENCE_TOLERANCE_M = 0;

  /** Lifetime of a meal pass (就餐凭证) in seconds. */
  @Transform(toInteger)
  @IsInt()
  @Min(30)
  @Max(3600)
  SCAN_PASS_TTL_SECONDS = 300;

  /** How long the scan path caches canteens (with slots), diners, terminals and verified meal codes, in ms; 0 turns caching off. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SCAN_CACHE_TTL_MS = 5000;

  /**
   * The simulator (npm run simulate) sets the canteen service's scan clock to the simulated day and slot through
   * PUT /simulation/clock. Off by default; never on in production.
   */
  @Transform(toBoolean)
  @IsBoolean()
  SIMULATION_CLOCK_ENABLED = false;

  /** With SIMULATION_CLOCK_ENABLED: the instant the scan clock starts at (then it runs at the real pace), e.g. yesterday's lunch. */
  @Matches(/^$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, { message: 'SIMULATION_CLOCK_START must be an ISO 8601 instant with an offset, or empty' })
  SIMULATION_CLOCK_START = '';
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Validates raw environment values; throws one error that lists every bad value and why. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const env = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.map((e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    );
  }
  if (env.MEAL_CODE_DEFAULT_GRACE_SECONDS > env.MEAL_CODE_MAX_GRACE_SECONDS) {
    throw new ConfigValidationError(['MEAL_CODE_DEFAULT_GRACE_SECONDS: must not exceed MEAL_CODE_MAX_GRACE_SECONDS']);
  }
  if (env.NODE_ENV === 'production' && env.AUTH_DEV_LOGIN_ENABLED) {
    throw new ConfigValidationError(['AUTH_DEV_LOGIN_ENABLED=true: the development login must be off in production']);
  }
  const kafkaProblems = kafkaSecurityProblems(env);
  if (kafkaProblems.length > 0) throw new ConfigValidationError(kafkaProblems);
  if (env.SIMULATION_CLOCK_START && !env.SIMULATION_CLOCK_ENABLED) {
    throw new ConfigValidationError(['SIMULATION_CLOCK_START: needs SIMULATION_CLOCK_ENABLED=true']);
  }
  if (env.NODE_ENV === 'production' && env.SIMULATION_CLOCK_ENABLED) {
    throw new ConfigValidationError(['SIMULATION_CLOCK_ENABLED=true: the simulation clock must be off in production']);
  }
  return env;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** The broker login: all of it or none of it, its files readable, and never none in production with a broker. */
function kafkaSecurityProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  const hasPassword = env.KAFKA_SASL_PASSWORD !== '' || env.KAFKA_SASL_PASSWORD_FILE !== '';
  if (env.KAFKA_SASL_PASSWORD !== '' && env.KAFKA_SASL_PASSWORD_FILE !== '') {
    problems.push('KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE: give one of them, not both');
  }
  if (env.KAFKA_SASL_USERNAME !== '' && !hasPassword) problems.push('KAFKA_SASL_USERNAME: needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE');
  if (env.KAFKA_SASL_USERNAME === '' && hasPassword) problems.push('KAFKA_SASL_PASSWORD: needs KAFKA_SASL_USERNAME');
  if (env.KAFKA_SASL_PASSWORD_FILE !== '' && !readable(env.KAFKA_SASL_PASSWORD_FILE)) {
    problems.push(`KAFKA_SASL_PASSWORD_FILE=${JSON.stringify(env.KAFKA_SASL_PASSWORD_FILE)}: the file cannot be read`);
  }
  if (env.KAFKA_SSL_CA_FILE !== '' && !env.KAFKA_SSL) problems.push('KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true');
  if (env.KAFKA_SSL_CA_FILE !== '' && !readable(env.KAFKA_SSL_CA_FILE)) {
    problems.push(`KAFKA_SSL_CA_FILE=${JSON.stringify(env.KAFKA_SSL_CA_FILE)}: the file cannot be read`);
  }
  if (env.NODE_ENV === 'production' && env.KAFKA_BROKERS.trim() !== '' && env.KAFKA_SASL_USERNAME === '') {
    problems.push('KAFKA_SASL_USERNAME: production with KAFKA_BROKERS needs the service\'s own SASL login (KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE)');
  }
  return problems;
}
