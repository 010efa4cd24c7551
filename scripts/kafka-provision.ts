/**
 * Creates the platform's topics (TOPIC_SPECS and their dead-letter topics) under a topic prefix and sets their ACLs:
 * each topic's one writer may write it, its readers may read it, the consumer that dead-letters may write its `.dlt`,
 * the risk service may use its consumer groups (`<prefix>risk.*`). Idempotent: run it again after every change of
 * TOPIC_SPECS. Runs as the broker's administrator.
 *
 *   npm run kafka:provision -- [--prefix t-demo.]        (default prefix: KAFKA_TOPIC_PREFIX, else none)
 *   node dist/scripts/cli.js kafka-provision [--prefix P] (in the service images)
 *
 * Broker: KAFKA_BROKERS (default 127.0.0.1:9092). Login: KAFKA_SASL_USERNAME with KAFKA_SASL_PASSWORD or
 * KAFKA_SASL_PASSWORD_FILE (the administrator), else `admin` from the credentials file of scripts/kafka/kafka.sh
 * (KAFKA_CREDENTIALS_FILE, or .run/kafka-<port>/credentials.env of this checkout).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { AppConfig, KafkaSaslSettings, loadConfig } from '@meal/config';
import { brokerCredentialsFile, kafkaSecurityOptions, provisionTopicsAndAcls, ProvisionResult, readBrokerLogin } from '@meal/kafka';

const REPO_ROOT = join(__dirname, '..');

function adminLogin(config: AppConfig): KafkaSaslSettings | undefined {
  if (config.kafka.sasl) return config.kafka.sasl;
  const file = brokerCredentialsFile(config.kafka.brokers[0], REPO_ROOT);
  return existsSync(file) ? readBrokerLogin(file, 'admin') : undefined;
}

export function prefixArgument(args: string[], fallback: string): string {
  const index = args.indexOf('--prefix');
  if (index < 0) return fallback;
  const prefix = args[index + 1] ?? '';
  if (!/^$|^[a-z0-9][a-z0-9.-]*$/.test(prefix)) throw new Error('--prefix must be lower-case letters, digits, dots and dashes');
  return prefix;
}

export async function runKafkaProvision(config: AppConfig, prefix: string, log: (message: string) => void): Promise<ProvisionResult> {
  if (config.kafka.embedded) throw new Error('kafka-provision: KAFKA_BROKERS is empty (the embedded transport has no ACLs)');
  const sasl = adminLogin(config);
  if (!sasl) throw new Error('kafka-provision: no login; set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD(_FILE) to the administrator, or KAFKA_CREDENTIALS_FILE');
  const kafka = new Kafka({
    clientId: 'kafka-provision',
    brokers: config.kafka.brokers,
    ...kafkaSecurityOptions({ sasl, ssl: config.kafka.ssl }),
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await provisionTopicsAndAcls(admin, prefix);
    log(
      `kafka-provision: ${config.kafka.brokers.join(',')} as ${sasl.username}, prefix "${prefix}": ` +
        `${result.createdTopics.length} topic(s) created, ${result.createdAcls} ACL(s) added, ${result.removedAcls} stale ACL(s) removed`,
    );
    return result;
  } finally {
    await admin.disconnect();
  }
}

if (require.main === module) {
  const config = loadConfig({ KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092' });
  runKafkaProvision(config, prefixArgument(process.argv.slice(2), config.kafka.topicPrefix), (m) => void process.stderr.write(`${m}\n`)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
