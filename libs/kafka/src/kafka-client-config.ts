import { KafkaConfig, SASLOptions } from 'kafkajs';
import { KafkaSaslSettings, KafkaSslSettings } from '@meal/config';

/** How a client logs in to the broker: its SASL principal and TLS, both optional (AppConfig.kafka has them). */
export interface KafkaSecurity {
  sasl?: KafkaSaslSettings;
  ssl?: KafkaSslSettings;
}

/** The `sasl` and `ssl` options of a kafkajs client for a login; every kafkajs client of the services is built with them. */
export function kafkaSecurityOptions(security: KafkaSecurity): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  const options: Pick<KafkaConfig, 'sasl' | 'ssl'> = {};
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    options.sasl = { mechanism, username, password } as SASLOptions;
  }
  if (security.ssl) options.ssl = security.ssl.ca ? { ca: [security.ssl.ca] } : true;
  return options;
}

const AUTHORIZATION_ERRORS = new Set(['TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED']);

/** True when kafkajs failed because the broker's ACLs refused the principal (alone or for every part of a batch). */
export function isKafkaAuthorizationError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, errors } = error as { type?: unknown; errors?: unknown };
  if (typeof type === 'string' && AUTHORIZATION_ERRORS.has(type)) return true;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => isKafkaAuthorizationError(e));
}
