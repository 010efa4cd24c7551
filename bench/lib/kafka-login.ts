import { join } from 'node:path';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { brokerCredentialsFile, KafkaPrincipal, kafkaSecurityOptions, provisionTopicsAndAcls, readBrokerLogin } from '@meal/kafka';

/**
 * The benches and the simulator on the SASL/SCRAM broker with ACLs: each service logs in as its own principal, the
 * bench's own producers and readers as the administrator, and the topics of a bench prefix are provisioned first.
 * Credentials come from the broker's credentials file (scripts/kafka/kafka.sh), never from code.
 */
export class BenchKafka {
  /** `dataDir`: the data dir of a dedicated broker (its credentials.env); else kafka.sh's default for the port. */
  constructor(
    readonly brokers: string,
    private readonly repo: string,
    private readonly dataDir?: string,
  ) {}

  get credentialsFile(): string {
    return this.dataDir ? join(this.dataDir, 'credentials.env') : brokerCredentialsFile(this.brokers, this.repo);
  }

  /** The environment of a service on this broker: brokers, topic prefix and its principal's login. */
  serviceEnv(prefix: string, principal: KafkaPrincipal): Record<string, string> {
    const login = readBrokerLogin(this.credentialsFile, principal);
    return {
      KAFKA_BROKERS: this.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_SASL_MECHANISM: login.mechanism,
      KAFKA_SASL_USERNAME: login.username,
      KAFKA_SASL_PASSWORD: login.password,
    };
  }

  /** Options of a raw kafkajs client (the bench's producers and readers: the administrator by default). */
  clientConfig(clientId: string, principal: KafkaPrincipal = 'admin'): KafkaConfig {
    return {
      clientId,
      brokers: this.brokers.split(','),
      ...kafkaSecurityOptions({ sasl: readBrokerLogin(this.credentialsFile, principal) }),
      logLevel: logLevel.NOTHING,
    };
  }

  /** Creates the topics of a prefix and their ACLs (scripts/kafka-provision.ts), before the services start. */
  async provision(prefix: string): Promise<void> {
    const admin = new Kafka(this.clientConfig('bench-provision')).admin();
    await admin.connect();
    try {
      await provisionTopicsAndAcls(admin, prefix);
    } finally {
      await admin.disconnect();
    }
  }
}
