import { KafkaConfig, logLevel } from 'kafkajs';
import { KafkaPrincipal, kafkaSecurityOptions, readBrokerLogin } from '@meal/kafka';
import { TEST_KAFKA_BROKER, testKafkaCredentialsFile } from './kafka-broker';

/**
 * The configuration (environment names) of a service on the test broker: the broker, a topic prefix and a SASL login,
 * the administrator's unless another principal is named (`risk-service` to run as in production, under the ACLs).
 */
export function testKafkaConfig(prefix: string, principal: KafkaPrincipal = 'admin'): Record<string, string> {
  const login = readBrokerLogin(testKafkaCredentialsFile(), principal);
  return {
    KAFKA_BROKERS: TEST_KAFKA_BROKER,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_SASL_MECHANISM: login.mechanism,
    KAFKA_SASL_USERNAME: login.username,
    KAFKA_SASL_PASSWORD: login.password,
  };
}

/** Options for a raw kafkajs client on the test broker, logged in as the administrator unless another principal is named. */
export function testKafkaClientConfig(clientId: string, principal: KafkaPrincipal = 'admin'): KafkaConfig {
  return {
    clientId,
    brokers: [TEST_KAFKA_BROKER],
    ...kafkaSecurityOptions({ sasl: readBrokerLogin(testKafkaCredentialsFile(), principal) }),
    logLevel: logLevel.NOTHING,
  };
}
