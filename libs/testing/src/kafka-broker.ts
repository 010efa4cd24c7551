import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const TEST_KAFKA_BROKER = process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092';
const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * The test broker's credentials file: TEST_KAFKA_CREDENTIALS_FILE, else where scripts/kafka/kafka.sh writes it for
 * the test port (`.run/kafka-<port>/credentials.env` of this checkout). Same rule as brokerCredentialsFile of
 * @meal/kafka, repeated here because jest's global setup resolves no @meal/* alias.
 */
export function testKafkaCredentialsFile(): string {
  return process.env.TEST_KAFKA_CREDENTIALS_FILE ?? join(REPO_ROOT, '.run', `kafka-${TEST_KAFKA_BROKER.split(':')[1]}`, 'credentials.env');
}

export function portOpen(hostPort: string, timeoutMs = 1000): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Starts the real single-node KRaft broker (SASL/SCRAM, ACLs) with scripts/kafka/kafka.sh unless one already answers.
 * Returns true if it started one. A broker that answers but has no credentials file is refused: tests log in.
 */
export async function ensureKafkaBroker(): Promise<boolean> {
  let started = false;
  if (!(await portOpen(TEST_KAFKA_BROKER))) {
    const port = TEST_KAFKA_BROKER.split(':')[1];
    execFileSync('bash', [join(REPO_ROOT, 'scripts/kafka/kafka.sh'), 'start'], {
      stdio: 'inherit',
      env: { ...process.env, KAFKA_PORT: port, KAFKA_CONTROLLER_PORT: String(Number(port) + 1) },
      timeout: 300_000,
    });
    started = true;
  }
  const file = testKafkaCredentialsFile();
  if (!existsSync(file)) {
    throw new Error(
      `a Kafka broker answers on ${TEST_KAFKA_BROKER} but its credentials are not at ${file}: start the test broker with ` +
        `scripts/kafka/kafka.sh from this checkout (SASL/SCRAM), or set TEST_KAFKA_CREDENTIALS_FILE`,
    );
  }
  return started;
}

export function stopKafkaBroker(): void {
  const port = TEST_KAFKA_BROKER.split(':')[1];
  execFileSync('bash', [join(REPO_ROOT, 'scripts/kafka/kafka.sh'), 'stop'], {
    stdio: 'inherit',
    env: { ...process.env, KAFKA_PORT: port, KAFKA_CONTROLLER_PORT: String(Number(port) + 1) },
  });
}
