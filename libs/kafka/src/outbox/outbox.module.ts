import { DynamicModule, Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { OUTBOX_OPTIONS, OutboxOptions, resolveOutboxOptions } from './outbox.options';

/**
 * The transactional outbox: OutboxWriter (insert events in the caller's transaction) and OutboxRelay (publish them,
 * started on application bootstrap, stopped on module destroy). Needs KafkaModule.forRoot() (EventPublisher),
 * MetricsModule, ConfigModule and a TypeORM DataSource whose database has `outbox_events`. Global: import once.
 */
@Module({})
export class OutboxModule {
  static forRoot(options: OutboxOptions = {}): DynamicModule {
    return {
      module: OutboxModule,
      global: true,
      providers: [{ provide: OUTBOX_OPTIONS, useValue: resolveOutboxOptions(options) }, OutboxWriter, OutboxRelay],
      exports: [OutboxWriter, OutboxRelay, OUTBOX_OPTIONS],
    };
  }
}
