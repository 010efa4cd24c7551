import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

export const TEST_KAFKA_BROKER = process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092';
const REPO_ROOT = join(__dirname, '..', '..', '..');

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

/** Starts the real single-node KRaft broker with scripts/kafka/kafka.sh unless one already answers. Returns true if it started one. */
export async function ensureKafkaBroker(): Promise<boolean> {
  if (await portOpen(TEST_KAFKA_BROKER)) return false;
  const port = TEST_KAFKA_BROKER.split(':')[1];
  execFileSync('bash', [join(REPO_ROOT, 'scripts/kafka/kafka.sh'), 'start'], {
    stdio: 'inherit',
    env: { ...process.env, KAFKA_PORT: port, KAFKA_CONTROLLER_PORT: String(Number(port) + 1) },
    timeout: 300_000,
  });
  return true;
}

export function stopKafkaBroker(): void {
  const port = TEST_KAFKA_BROKER.split(':')[1];
  execFileSync('bash', [join(REPO_ROOT, 'scripts/kafka/kafka.sh'), 'stop'], {
    stdio: 'inherit',
    env: { ...process.env, KAFKA_PORT: port, KAFKA_CONTROLLER_PORT: String(Number(port) + 1) },
  });
}
