import { Logger } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { Admin, Consumer, IHeaders, ITopicConfig, Kafka, KafkaMessage, logCreator, logLevel, Partitioners, Producer } from 'kafkajs';
import { deadLetterTopicOf, isDeadLetterTopic, TOPIC_SPECS } from '@meal/contracts';
import { BatchControl, ConsumerSpec, DeadLetter, EventTransport } from './event-transport';
import { isKafkaAuthorizationError, KafkaSecurity, kafkaSecurityOptions } from './kafka-client-config';
import { KafkaMetrics } from './kafka-metrics';
import { ConsumerHandle, InboundRecord, KafkaHeaders, OutgoingMessage, ResolvedKafkaOptions } from './kafka.types';
import { TopicNames } from './topic-names';

export interface KafkaConnection extends KafkaSecurity {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
}

interface RunningConsumer {
  spec: ConsumerSpec;
  consumer: Consumer;
  handle: ConsumerHandle;
}

const HEALTH_TIMEOUT_MS = 2000;

/** Routes kafkajs logs (warnings and errors only) to the Nest logger. */
function nestLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
      const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
      const text = `kafkajs ${namespace}: ${String(message)}${details}`;
      // kafkajs logs every error response at ERROR, also the retriable ones it recovers from (coordinator loading,
      // rebalancing); those are warnings for us. Real failures surface as crashes and rejected sends.
      if (level === logLevel.ERROR && namespace !== 'Connection') logger.error(text);
      else if (level === logLevel.ERROR) logger.warn(text);
      else if (level === logLevel.WARN) logger.warn(text);
      else if (level === logLevel.INFO) logger.log(text);
      else logger.debug(text);
    };
}

export function headersToRecord(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const single = Array.isArray(value) ? value[value.length - 1] : value;
    if (single !== undefined) result[name] = Buffer.isBuffer(single) ? single.toString('utf8') : single;
  }
  return result;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const CHUNK_MESSAGES = 2000;
const CHUNK_BYTES = 512 * 1024;

export function chunkMessages(messages: OutgoingMessage[]): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = (message.value?.length ?? 0) + (message.key?.length ?? 0) + 100;
    if (current.length > 0 && (current.length >= CHUNK_MESSAGES || bytes + size > CHUNK_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The real broker through kafkajs: one idempotent producer (acks=all, one request in flight so retries keep order),
 * one admin (topic creation, lag, health) and a consumer per subscription, processing whole fetched batches.
 */
export class KafkaJsTransport extends EventTransport {
  readonly mode = 'kafka' as const;
  private readonly logger = new Logger('Kafka');
  private readonly kafka: Kafka;
  private readonly names: TopicNames;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private starting?: Promise<void>;
  private connected = false;
  private stopping = false;
  private readonly consumers = new Set<RunningConsumer>();
  private lagTimer?: NodeJS.Timeout;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: ResolvedKafkaOptions,
    private readonly metrics: KafkaMetrics,
  ) {
    super();
    this.names = new TopicNames(connection.topicPrefix);
    this.kafka = new Kafka({
      clientId: connection.clientId,
      brokers: connection.brokers,
      ...kafkaSecurityOptions(connection),
      logLevel: logLevel.WARN,
      logCreator: nestLogCreator(this.logger),
      connectionTimeout: 3000,
      requestTimeout: 30000,
      retry: { retries: 5 },
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5 },
    });
    this.admin = this.kafka.admin({ retry: { retries: 5 } });
  }

  start(): Promise<void> {
    if (!this.starting) {
      this.starting = this.connect().catch((error: unknown) => {
        this.starting = undefined;
        throw error;
      });
    }
    return this.starting;
  }

  private async connect(): Promise<void> {
    const prefix = this.connection.topicPrefix ? `, topic prefix "${this.connection.topicPrefix}"` : '';
    const login = this.connection.sasl ? `, principal ${this.connection.sasl.username} (${this.connection.sasl.mechanism}${this.connection.ssl ? ', TLS' : ''})` : ', no authentication';
    this.logger.log(`Kafka: brokers ${this.connection.brokers.join(',')} as ${this.connection.clientId}${login}${prefix}`);
    await this.admin.connect();
    if (this.options.createTopics) await this.ensureTopics();
    await this.producer.connect();
    this.connected = true;
    if (this.options.lagIntervalMs > 0) {
      this.lagTimer = setInterval(() => void this.measureLag(), this.options.lagIntervalMs);
      this.lagTimer.unref();
    }
  }

  /**
   * Creates every TOPIC_SPECS topic and its DLT that does not exist yet; safe when another instance races us.
   * With the broker's ACLs on, a service principal sees only the topics it may use and may create none (the
   * provisioning, scripts/kafka-provision.ts, creates them as admin): its refused creation is logged, not fatal; a
   * publish to or a subscription on a topic that really is missing then fails on its own.
   */
  private async ensureTopics(): Promise<void> {
    const wanted: ITopicConfig[] = TOPIC_SPECS.flatMap((spec) => [
      {
        topic: this.names.physical(spec.name),
        numPartitions: spec.partitions,
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      },
      { topic: this.names.physical(spec.deadLetter), numPartitions: spec.deadLetterPartitions },
    ]);
    const existing = new Set(await this.admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) {
      this.logger.log(`Kafka: all ${wanted.length} topics present`);
      return;
    }
    if (!(await this.createTopicsMayBeRefused(missing.map((t) => t.topic), () => this.createTopicsAndWait(missing)))) return;
    const now = new Set(await this.admin.listTopics());
    const absent = wanted.filter((t) => !now.has(t.topic)).map((t) => t.topic);
    if (absent.length > 0) throw new Error(`Kafka: could not create topics ${absent.join(', ')}`);
    this.logger.log(`Kafka: created topics ${missing.map((t) => `${t.topic}(${t.numPartitions ?? '?'})`).join(', ')}`);
  }

  /** A subscription to a topic outside TOPIC_SPECS still needs somewhere to put its dead letters. */
  private async ensureDeadLetterTopics(topics: readonly string[]): Promise<void> {
    const wanted = topics.filter((t) => !isDeadLetterTopic(t)).map((t) => this.names.physical(deadLetterTopicOf(t)));
    const existing = new Set(await this.admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    if (!(await this.createTopicsMayBeRefused(missing, () => this.createTopicsAndWait(missing.map((topic) => ({ topic, numPartitions: 1 })))))) return;
    this.logger.log(`Kafka: created dead-letter topics ${missing.join(', ')}`);
  }

  /** Runs a topic creation; false when the ACLs refused it (the principal may not create topics). */
  private async createTopicsMayBeRefused(topics: string[], create: () => Promise<void>): Promise<boolean> {
    try {
      await create();
      return true;
    } catch (error) {
      if (!isKafkaAuthorizationError(error)) throw error;
      const who = this.connection.sasl?.username ?? 'this client';
      this.logger.log(`Kafka: ${who} may not create topics; not visible to it or missing: ${topics.join(', ')} (the provisioning creates topics and ACLs)`);
      return false;
    }
  }

  /**
   * Creates topics (TOPIC_ALREADY_EXISTS from a concurrent creator is fine) and waits until every partition has a
   * leader. kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this
   * topic-partition"), which a KRaft broker answers for a moment after CreateTopics while the new metadata propagates;
   * here that answer is waited out, up to 15 s.
   */
  private async createTopicsAndWait(topics: ITopicConfig[]): Promise<void> {
    try {
      await this.admin.createTopics({ topics, waitForLeaders: false, timeout: 10000 });
    } catch (error) {
      if (!(error instanceof Error) || !/already exists/i.test(error.message)) throw error;
    }
    const names = topics.map((t) => t.topic);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const { topics: metadata } = await this.admin.fetchTopicMetadata({ topics: names });
        if (metadata.length === names.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
        if (Date.now() > deadline) throw new Error(`Kafka: topics ${names.join(', ')} have no leader after 15 s`);
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.start();
    const physical = this.names.physical(topic);
    // One request per chunk keeps every partition's record batch well under the broker's 1 MB message.max.bytes.
    // Chunks go one after the other: with one request in flight, the order of a key is the order given.
    for (const chunk of chunkMessages(messages)) {
      await this.producer.send({ topic: physical, acks: -1, messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
    }
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    const { record } = letter;
    if (isDeadLetterTopic(record.topic)) {
      this.logger.error(`Kafka: cannot dead-letter a message of dead-letter topic ${record.topic}@${record.partition}/${record.offset}; skipped`);
      return;
    }
    await this.start();
    await this.producer.send({
      topic: this.names.physical(deadLetterTopicOf(record.topic)),
      acks: -1,
      messages: [
        {
          key: record.key,
          value: record.value,
          headers: {
            ...record.headers,
            [KafkaHeaders.DltReason]: letter.reason,
            [KafkaHeaders.DltError]: letter.error,
            [KafkaHeaders.DltOriginalTopic]: record.topic,
            [KafkaHeaders.DltOriginalPartition]: String(record.partition),
            [KafkaHeaders.DltOriginalOffset]: record.offset,
            [KafkaHeaders.DltConsumerGroup]: letter.groupId,
            [KafkaHeaders.DltFailedAt]: new Date().toISOString(),
          },
        },
      ],
    });
  }

  async consume(spec: ConsumerSpec): Promise<ConsumerHandle> {
    await this.start();
    if (this.options.createTopics) await this.ensureDeadLetterTopics(spec.topics);
    const consumer = this.kafka.consumer({
      groupId: this.names.group(spec.groupId),
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 1000,
      retry: { retries: 5 },
      ...(spec.maxFetchBytes === undefined ? {} : { maxBytes: spec.maxFetchBytes, maxBytesPerPartition: Math.max(64 * 1024, Math.floor(spec.maxFetchBytes / 4)) }),
    });
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = Object.entries(event.payload.memberAssignment)
        .map(([topic, partitions]) => `${this.names.logical(topic)}[${partitions.join(',')}]`)
        .join(' ');
      this.logger.log(`Kafka: consumer ${spec.groupId} joined, assigned ${assigned || 'nothing'}`);
      markReady();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.logger.error(`Kafka: consumer ${spec.groupId} crashed (restart: ${String(event.payload.restart)}): ${errorText(event.payload.error)}`);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: spec.topics.map((t) => this.names.physical(t)), fromBeginning: spec.fromBeginning });
    await consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const topic = this.names.logical(batch.topic);
        const records = batch.messages.map((m) => this.toInbound(topic, batch.partition, m));
        let lastResolved: string | undefined;
        const control: BatchControl = {
          resolve: (offset) => {
            resolveOffset(offset);
            lastResolved = offset;
          },
          heartbeat,
          isRunning: () => isRunning() && !isStale(),
        };
        await spec.process(records, control);
        await commitOffsetsIfNecessary();
        if (lastResolved !== undefined) {
          const lag = BigInt(batch.highWatermark) - BigInt(lastResolved) - 1n;
          this.metrics.lag.set({ group: spec.groupId, topic, partition: String(batch.partition) }, Number(lag > 0n ? lag : 0n));
        }
      },
    });
    const running: RunningConsumer = {
      spec,
      consumer,
      handle: {
        groupId: spec.groupId,
        topics: spec.topics,
        ready,
        stop: async () => {
          if (!this.consumers.delete(running)) return;
          await consumer.disconnect();
          this.logger.log(`Kafka: consumer ${spec.groupId} stopped`);
        },
      },
    };
    this.consumers.add(running);
    return running.handle;
  }

  private toInbound(topic: string, partition: number, message: KafkaMessage): InboundRecord {
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value,
      headers: headersToRecord(message.headers),
      timestamp: message.timestamp,
    };
  }

  /** Lag per partition = log end offset − committed offset of the group (earliest offset when none committed). */
  private async measureLag(): Promise<void> {
    if (this.stopping || !this.connected) return;
    for (const { spec } of [...this.consumers]) {
      for (const topic of spec.topics) {
        try {
          const physical = this.names.physical(topic);
          const [committed] = await this.admin.fetchOffsets({ groupId: this.names.group(spec.groupId), topics: [physical] });
          const ends = await this.admin.fetchTopicOffsets(physical);
          for (const end of ends) {
            const position = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            const from = BigInt(position) >= 0n ? BigInt(position) : BigInt(end.low);
            const lag = BigInt(end.high) - from;
            this.metrics.lag.set({ group: spec.groupId, topic, partition: String(end.partition) }, Number(lag > 0n ? lag : 0n));
          }
        } catch (error) {
          this.logger.debug(`Kafka: lag of ${spec.groupId} on ${topic} not measured: ${errorText(error)}`);
        }
      }
    }
  }

  async health(key: string): Promise<HealthIndicatorResult> {
    if (!this.connected) return { [key]: { status: 'down', mode: 'kafka', message: 'not connected' } };
    try {
      const cluster = await withTimeout(this.admin.describeCluster(), HEALTH_TIMEOUT_MS, 'describeCluster');
      return { [key]: { status: 'up', mode: 'kafka', brokers: cluster.brokers.length, clusterId: cluster.clusterId } };
    } catch (error) {
      return { [key]: { status: 'down', mode: 'kafka', message: errorText(error) } };
    }
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    await Promise.allSettled([...this.consumers].map((c) => c.handle.stop()));
    if (this.starting) await this.starting.catch(() => undefined);
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    this.connected = false;
    this.logger.log('Kafka: disconnected');
  }
}
