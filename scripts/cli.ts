/**
 * Operations command line (also compiled into the canteen service's dist):
 *   migrate                     apply pending migrations (creates the database if missing)
 *   migrate:revert [steps]      revert the last migrations (default 1)
 *   seed [--seed N] [--scale X] build the demo city (Quzhou at scale 1; a province at scale ~10)
 *   keys                        create the development identity key pair if missing
 *   kafka-provision [--prefix P] create the topics and set their ACLs, as the broker's administrator (scripts/kafka-provision.ts)
 */
import { DataSource } from 'typeorm';
import { ensureKeyPairFiles } from '@meal/auth';
import { loadConfig } from '@meal/config';
import { buildDataSourceOptions, ensureDatabase, revertMigrations, runMigrations } from '@meal/database';
import { ORGANISATION_ENTITIES, seedDemoCity } from '@meal/organisation';
import { prefixArgument, runKafkaProvision } from './kafka-provision';

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${String(args[index + 1])}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const config = loadConfig();
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  switch (command) {
    case 'migrate': {
      if (await ensureDatabase(config.database.url)) log(`created database ${new URL(config.database.url).pathname.slice(1)}`);
      const applied = await runMigrations(config.database.url);
      log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database schema is up to date');
      return;
    }
    case 'migrate:revert': {
      const steps = args[0] ? Number(args[0]) : 1;
      if (!Number.isInteger(steps) || steps < 1) throw new Error('migrate:revert takes a positive whole number of steps');
      await revertMigrations(config.database.url, steps);
      log(`reverted ${steps} migration(s)`);
      return;
    }
    case 'seed': {
      const seed = option(args, '--seed', 20220701);
      const scale = option(args, '--scale', 1);
      const dataSource = new DataSource(buildDataSourceOptions(config.database.url, ORGANISATION_ENTITIES, 4));
      await dataSource.initialize();
      try {
        const started = Date.now();
        const summary = await seedDemoCity(dataSource, { seed, scale, onProgress: log });
        log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } finally {
        await dataSource.destroy();
      }
      return;
    }
    case 'keys': {
      const created = await ensureKeyPairFiles(config.auth.privateKeyFile, config.auth.publicKeyFile);
      log(created ? `created identity key pair ${config.auth.privateKeyFile}` : 'identity key pair already present');
      return;
    }
    case 'kafka-provision': {
      await runKafkaProvision(config, prefixArgument(args, config.kafka.topicPrefix), log);
      return;
    }
    default:
      throw new Error(`unknown command ${String(command)}; use migrate | migrate:revert [steps] | seed [--seed N] [--scale X] | keys | kafka-provision [--prefix P]`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
