import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Makes a consumer's processing idempotent: the work for an event runs only if the (group, event) pair was never
 * processed, in the same transaction that records it.
 */
export interface EventDeduplicator {
  /** Runs `work` unless `eventId` was processed by `group`; returns false (and skips) for a duplicate. */
  claim(group: string, eventId: string, work: (manager: EntityManager) => Promise<void>): Promise<boolean>;
  /**
   * Claims many events at once: `work` gets the ids not processed before (first occurrence only) and runs in the
   * transaction that records them. Returns those ids.
   */
  claimMany(group: string, eventIds: readonly string[], work: (manager: EntityManager, fresh: ReadonlySet<string>) => Promise<void>): Promise<ReadonlySet<string>>;
}

export const EVENT_DEDUPLICATOR = Symbol('EVENT_DEDUPLICATOR');

/** PostgreSQL deduplicator on `processed_events(consumer_group, event_id)`: INSERT … ON CONFLICT DO NOTHING in the work's transaction. */
@Injectable()
export class PostgresEventDeduplicator implements EventDeduplicator {
  constructor(@Optional() @InjectDataSource() private readonly dataSource?: DataSource) {}

  get available(): boolean {
    return this.dataSource !== undefined;
  }

  async claim(group: string, eventId: string, work: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return this.source().transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        'INSERT INTO processed_events (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
        [group, eventId],
      );
      if (inserted.length === 0) return false;
      await work(manager);
      return true;
    });
  }

  async claimMany(
    group: string,
    eventIds: readonly string[],
    work: (manager: EntityManager, fresh: ReadonlySet<string>) => Promise<void>,
  ): Promise<ReadonlySet<string>> {
    if (eventIds.length === 0) return new Set<string>();
    return this.source().transaction(async (manager) => {
      const rows: { event_id: string }[] = await manager.query(
        `INSERT INTO processed_events (consumer_group, event_id)
         SELECT $1, id FROM unnest($2::uuid[]) AS id
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [group, [...new Set(eventIds)]],
      );
      const fresh = new Set(rows.map((r) => r.event_id));
      if (fresh.size > 0) await work(manager, fresh);
      return fresh;
    });
  }

  private source(): DataSource {
    if (!this.dataSource) {
      throw new Error('dedupe needs a TypeORM DataSource: import TypeOrmModule/DatabaseModule with KAFKA_ENTITIES in the service');
    }
    return this.dataSource;
  }
}
