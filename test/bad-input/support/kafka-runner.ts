import { randomBytes } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { testKafkaClientConfig } from '@meal/testing';
import { KafkaCase, RowChanges } from '../corpus/corpus.types';
import { CorpusTally, tableCounts, unexpectedChanges } from './http-runner';

export const CASE_HEADER = 'x-bad-input-case';

export interface KafkaRunOptions {
  broker: string;
  prefix: string;
  dataSource: DataSource;
  consumerGroup: string;
  /** A valid event per topic, sent after that topic's bad messages on the same partition. */
  goodByTopic: Record<string, { eventId: string }>;
  /** Rows the good events may add in the risk database (facts), beyond processed_events. */
  goodRows: RowChanges;
  timeoutMs?: number;
}

const header = (m: KafkaMessage, name: string): string | undefined => m.headers?.[name]?.toString();

/**
 * Sends every case to its topic (partition 0, one key), then one good event per topic on the same partition, and
 * checks: each case is on `<topic>.dlt` with its expected `dlt-reason`, the original topic/offset and an error text;
 * every good event was processed after them (the partition did not block); no bad message was processed (only the
 * good events' rows were added).
 */
export async function runKafkaCases(cases: readonly KafkaCase[], options: KafkaRunOptions, tally: CorpusTally): Promise<string[]> {
  const kafka = new Kafka({ ...testKafkaClientConfig(`bad-input-${randomBytes(3).toString('hex')}`), brokers: [options.broker] });
  const topics = Object.keys(options.goodByTopic);
  const letters = new Map<string, KafkaMessage>();
  const dlt = kafka.consumer({ groupId: `${options.prefix}bad-input.dlt-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 200 });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const problems: string[] = [];
  const before = await tableCounts(options.dataSource);
  try {
    await dlt.connect();
    await dlt.subscribe({ topics: topics.map((t) => `${options.prefix}${t}.dlt`), fromBeginning: true });
    await dlt.run({
      eachMessage: async ({ message }) => {
        const name = header(message, CASE_HEADER);
        if (name) letters.set(name, message);
      },
    });
    await producer.connect();
    for (const topic of topics) {
      const mine = cases.filter((c) => c.topic === topic);
      // one message per request, in order: a batch of the big ones would exceed the broker's request size
      const messages = [
        ...mine.map((c) => ({ key: 'bad-input', partition: 0, value: c.value, headers: { [CASE_HEADER]: c.name } })),
        { key: 'bad-input', partition: 0, value: JSON.stringify(options.goodByTopic[topic]) },
      ];
      for (const message of messages) await producer.send({ topic: `${options.prefix}${topic}`, acks: -1, messages: [message] });
    }
    const goodIds = topics.map((t) => options.goodByTopic[t]?.eventId as string);
    const deadline = Date.now() + (options.timeoutMs ?? 90_000);
    let processed = 0;
    while (Date.now() < deadline) {
      const [row] = (await options.dataSource.query(`SELECT count(*)::int AS n FROM processed_events WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])`, [
        options.consumerGroup,
        goodIds,
      ])) as { n: number }[];
      processed = row?.n ?? 0;
      if (processed === goodIds.length && cases.every((c) => letters.has(c.name))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (processed !== goodIds.length) problems.push(`[kafka] only ${processed} of the ${goodIds.length} good events after the bad ones were processed: a partition is blocked`);
    for (const c of cases) {
      tally.add('kafka');
      const letter = letters.get(c.name);
      if (!letter) {
        problems.push(`[kafka] ${c.name}: not on ${c.topic}.dlt`);
        continue;
      }
      const reason = header(letter, 'dlt-reason');
      if (reason !== c.reason) problems.push(`[kafka] ${c.name}: dlt-reason ${String(reason)} instead of ${c.reason} (${String(header(letter, 'dlt-error'))})`);
      if (header(letter, 'dlt-original-topic') !== c.topic && header(letter, 'dlt-original-topic') !== `${options.prefix}${c.topic}`) {
        problems.push(`[kafka] ${c.name}: dlt-original-topic ${String(header(letter, 'dlt-original-topic'))}`);
      }
      if (!header(letter, 'dlt-error')) problems.push(`[kafka] ${c.name}: no dlt-error text`);
      if (header(letter, 'dlt-original-offset') === undefined) problems.push(`[kafka] ${c.name}: no dlt-original-offset`);
      const sent = c.value === null ? null : Buffer.isBuffer(c.value) ? c.value : Buffer.from(c.value);
      const kept = letter.value;
      if ((sent === null && kept !== null && kept.length > 0) || (sent !== null && (!kept || !kept.equals(sent)))) problems.push(`[kafka] ${c.name}: the dead letter does not carry the original value`);
    }
    // settle: the consumer commits the good events' facts in the dedup transaction, so they are visible already
    const after = await tableCounts(options.dataSource);
    for (const change of unexpectedChanges(before, after, { processed_events: goodIds.length, ...options.goodRows })) problems.push(`[kafka] stored: ${change}`);
  } finally {
    await Promise.allSettled([dlt.disconnect(), producer.disconnect()]);
  }
  return problems;
}
