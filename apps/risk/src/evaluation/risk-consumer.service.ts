import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@meal/contracts';
import { ConsumerHandle, EventConsumerRegistry, PermanentEventError } from '@meal/kafka';
import { EvaluationService } from './evaluation.service';

/** The one consumer group of the warning models: every input topic, scaled by partition (meals are keyed by diner). */
export const RISK_CONSUMER_GROUP = 'risk.models';
export const RISK_INPUT_TOPICS = [Topics.MealEvents, Topics.AllowanceClaims, Topics.ReceptionRecords] as const;
/** Partitions handled in parallel by one instance; a diner's facts are serialised by an advisory lock. */
export const RISK_PARTITION_CONCURRENCY = 3;
/**
 * Events handled in one transaction (one partition's fetched batch, in offset order). Bigger batches cost fewer
 * commits and round trips; smaller ones publish a batch's first alerts sooner (they commit with the batch).
 */
export const RISK_MAX_BATCH = 200;

/**
 * Subscribes `risk.models` at bootstrap, in batches, with `dedupe: true`: the batch's fact upserts, the warnings, their
 * cases, the outbox alerts and the processed_events rows commit in one transaction, so a redelivery or a restart neither loses nor
 * repeats a warning. Malformed and unknown-version messages go to `<topic>.dlt` (the kafka lib), never blocking.
 */
@Injectable()
export class RiskConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('RiskConsumer');
  private handle: ConsumerHandle | undefined;

  constructor(
    private readonly registry: EventConsumerRegistry,
    private readonly evaluation: EvaluationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.handle = await this.registry.subscribeBatch({
      groupId: RISK_CONSUMER_GROUP,
      topics: RISK_INPUT_TOPICS,
      fromBeginning: true,
      dedupe: true,
      partitionsConsumedConcurrently: RISK_PARTITION_CONCURRENCY,
      maxBatchSize: RISK_MAX_BATCH,
      batchHandler: async (events, meta) => {
        if (!meta.manager) throw new PermanentEventError('the risk consumer needs the deduplication transaction');
        await this.evaluation.handleBatch(
          events.map((e) => e.event),
          meta.manager,
        );
      },
    });
    this.logger.log(`risk models consuming ${RISK_INPUT_TOPICS.join(', ')} as ${RISK_CONSUMER_GROUP}`);
  }

  /** Resolves once the consumer has joined its group (tests). */
  async ready(): Promise<void> {
    await this.handle?.ready;
  }
}
