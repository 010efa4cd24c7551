import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaSaslSettings } from '@meal/config';
import { PRODUCER_SYSTEMS, ProducerSystem } from '@meal/contracts';

/** The broker's SCRAM users: the administrator and one principal per producing system (libs/contracts ProducerSystems). */
export type KafkaPrincipal = 'admin' | ProducerSystem;

export const KAFKA_PRINCIPALS: readonly KafkaPrincipal[] = ['admin', ...PRODUCER_SYSTEMS];

/** `canteen-service` → `KAFKA_PASSWORD_CANTEEN_SERVICE`: the variable of a principal's password in the credentials file. */
export function brokerPasswordVariable(principal: KafkaPrincipal): string {
  return `KAFKA_PASSWORD_${principal.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Where the credentials of a broker started by scripts/kafka/kafka.sh are: KAFKA_CREDENTIALS_FILE when set, else
 * `<repo>/.run/kafka-<port>/credentials.env` (kafka.sh's default data dir; `kafka.sh credentials` prints it).
 */
export function brokerCredentialsFile(broker: string, repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAFKA_CREDENTIALS_FILE) return env.KAFKA_CREDENTIALS_FILE;
  const port = broker.split(',')[0].split(':')[1] ?? '9092';
  return join(repoRoot, '.run', `kafka-${port}`, 'credentials.env');
}

/** Reads a kafka.sh credentials file (KEY=value lines, shell-sourceable): the SASL login of one principal. */
export function readBrokerLogin(file: string, principal: KafkaPrincipal): KafkaSaslSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Kafka credentials file ${file} cannot be read (start the broker with scripts/kafka/kafka.sh): ${error instanceof Error ? error.message : String(error)}`);
  }
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1], match[2]);
  }
  const password = values.get(brokerPasswordVariable(principal));
  if (!password) throw new Error(`Kafka credentials file ${file} has no password for ${principal}`);
  const mechanism = values.get('KAFKA_SASL_MECHANISM') === 'scram-sha-256' ? 'scram-sha-256' : 'scram-sha-512';
  return { mechanism, username: principal, password };
}
