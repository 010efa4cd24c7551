import { readFileSync } from 'node:fs';
import { EnvironmentVariables } from './environment.schema';

/** The SASL login of a service at the broker (its own principal). */
export interface KafkaSaslSettings {
  mechanism: 'scram-sha-512' | 'scram-sha-256';
  username: string;
  password: string;
}

/** TLS to the broker; `ca` is the PEM of the CA to trust (undefined: the system's CAs). */
export interface KafkaSslSettings {
  ca?: string;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  embedded: boolean;
  embeddedBus: string;
  /** Undefined: no authentication (a development broker without SASL, or the embedded transport). */
  sasl?: KafkaSaslSettings;
  ssl?: KafkaSslSettings;
}

/** Typed, validated configuration. Services inject this, never process.env. */
export class AppConfig {
  readonly env: EnvironmentVariables['NODE_ENV'];
  readonly database: { url: string; poolSize: number };
  readonly kafka: KafkaSettings;
  readonly http: { canteenPort: number; riskPort: number; bodyLimitBytes: number; canteenWorkers: number };
  readonly log: { level: string };
  readonly risk: { replayMaxFacts: number };
  readonly auth: {
    privateKeyFile: string;
    publicKeyFile: string;
    issuer: string;
    audience: string;
    tokenTtlSeconds: number;
    devLoginEnabled: boolean;
  };
  readonly mealCode: {
    privateKeyFile: string;
    publicKeyFile: string;
    createKeysIfMissing: boolean;
    publicBaseUrl: string;
    acceptedBaseUrls: string[];
    defaultGraceSeconds: number;
    maxGraceSeconds: number;
  };
  readonly scan: {
    geofencePolicy: 'refuse' | 'flag';
    geofenceToleranceM: number;
    passTtlSeconds: number;
    cacheTtlMs: number;
    /** PUT /simulation/clock may move the scan clock (simulator only; never in production). */
    simulationClockEnabled: boolean;
    /** Where the simulation clock starts (undefined: at the real time). */
    simulationClockStart?: Date;
  };

  constructor(env: EnvironmentVariables) {
    const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
    this.env = env.NODE_ENV;
    this.database = { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE };
    this.kafka = {
      brokers,
      clientId: env.KAFKA_CLIENT_ID,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      embedded: brokers.length === 0,
      embeddedBus: env.KAFKA_EMBEDDED_BUS,
      sasl: env.KAFKA_SASL_USERNAME
        ? {
            mechanism: env.KAFKA_SASL_MECHANISM,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD_FILE ? readFileSync(env.KAFKA_SASL_PASSWORD_FILE, 'utf8').replace(/[\r\n]+$/, '') : env.KAFKA_SASL_PASSWORD,
          }
        : undefined,
      ssl: env.KAFKA_SSL ? { ca: env.KAFKA_SSL_CA_FILE ? readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8') : undefined } : undefined,
    };
    this.http = { canteenPort: env.CANTEEN_PORT, riskPort: env.RISK_PORT, bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES, canteenWorkers: env.CANTEEN_WORKERS };
    this.log = { level: env.LOG_LEVEL };
    this.risk = { replayMaxFacts: env.RISK_REPLAY_MAX_FACTS };
    this.auth = {
      privateKeyFile: env.AUTH_PRIVATE_KEY_FILE,
      publicKeyFile: env.AUTH_PUBLIC_KEY_FILE,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      tokenTtlSeconds: env.AUTH_TOKEN_TTL_SECONDS,
      devLoginEnabled: env.AUTH_DEV_LOGIN_ENABLED,
    };
    this.mealCode = {
      privateKeyFile: env.MEAL_CODE_PRIVATE_KEY_FILE,
      publicKeyFile: env.MEAL_CODE_PUBLIC_KEY_FILE,
      createKeysIfMissing: env.MEAL_CODE_CREATE_KEYS_IF_MISSING,
      publicBaseUrl: env.MEAL_CODE_PUBLIC_BASE_URL,
      acceptedBaseUrls: env.MEAL_CODE_ACCEPTED_BASE_URLS.split(',').map((u) => u.trim()).filter(Boolean),
      defaultGraceSeconds: env.MEAL_CODE_DEFAULT_GRACE_SECONDS,
      maxGraceSeconds: env.MEAL_CODE_MAX_GRACE_SECONDS,
    };
    this.scan = {
      geofencePolicy: env.SCAN_GEOFENCE_POLICY,
      geofenceToleranceM: env.SCAN_GEOFENCE_TOLERANCE_M,
      passTtlSeconds: env.SCAN_PASS_TTL_SECONDS,
      cacheTtlMs: env.SCAN_CACHE_TTL_MS,
      simulationClockEnabled: env.SIMULATION_CLOCK_ENABLED,
      simulationClockStart: env.SIMULATION_CLOCK_START ? new Date(env.SIMULATION_CLOCK_START) : undefined,
    };
  }
}
