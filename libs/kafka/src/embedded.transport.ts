import { Logger } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { deadLetterTopicOf, TOPIC_SPECS } from '@meal/contracts';
import { BatchControl, ConsumerSpec, DeadLetter, EventTransport, StoredDeadLetter } from './event-transport';
import { KafkaMetrics } from './kafka-metrics';
import { ConsumerHandle, InboundRecord, OutgoingMessage } from './kafka.types';

interface StoredMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** One partition's log: offsets start at `base`; the oldest messages are dropped beyond `capacity`. */
class PartitionLog {
  base = 0;
  readonly messages: StoredMessage[] = [];

  get end(): number {
    return this.base + this.messages.length;
  }

  append(message: StoredMessage, capacity: number): void {
    this.messages.push(message);
    if (this.messages.length > capacity) {
      const drop = Math.ceil(capacity / 10);
      this.messages.splice(0, drop);
      this.base += drop;
    }
  }

  read(from: number, max: number): { offset: number; message: StoredMessage }[] {
    const start = Math.max(from, this.base) - this.base;
    return this.messages.slice(start, start + max).map((message, i) => ({ offset: this.base + start + i, message }));
  }
}

interface EmbeddedGroup {
  spec: ConsumerSpec;
  positions: Map<string, number>;
  running: boolean;
  draining?: Promise<void>;
  again: boolean;
  retryTimer?: NodeJS.Timeout;
  /** Partitions whose last batch failed; retried when retryTimer fires. */
  blocked: Set<string>;
}

const BATCH_SIZE = 500;
const RETRY_DELAY_MS = 1000;
/** Messages kept per partition; the embedded transport is for development and demos, not for months of history. */
const PARTITION_CAPACITY = 200_000;
const DEAD_LETTER_CAPACITY = 10_000;

function partitionKey(topic: string, partition: number): string {
  return `${topic}#${partition}`;
}

/** FNV-1a: a stable key → partition mapping, so the events of one aggregate stay in order. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The in-memory topics, consumer groups and committed positions of the embedded transport. Each transport has its
 * own bus, unless several Nest applications in one process (the all-in-one development mode: canteen and risk
 * services together) name the same shared bus, so that the events of one reach the consumers of the other.
 */
export class EmbeddedBus {
  private static readonly sharedBuses = new Map<string, EmbeddedBus>();
  readonly topics = new Map<string, PartitionLog[]>();
  readonly groups = new Map<string, EmbeddedGroup>();
  readonly committed = new Map<string, Map<string, number>>();
  roundRobin = 0;

  constructor() {
    for (const spec of TOPIC_SPECS) {
      this.topics.set(spec.name, Array.from({ length: spec.partitions }, () => new PartitionLog()));
      this.topics.set(spec.deadLetter, Array.from({ length: spec.deadLetterPartitions }, () => new PartitionLog()));
    }
  }

  /** The process-wide bus of that name (created on first use). */
  static shared(name: string): EmbeddedBus {
    let bus = EmbeddedBus.sharedBuses.get(name);
    if (!bus) {
      bus = new EmbeddedBus();
      EmbeddedBus.sharedBuses.set(name, bus);
    }
    return bus;
  }
}

/**
 * The in-process transport used when no brokers are configured: the TOPIC_SPECS topics as in-memory partitioned
 * logs, consumer groups with positions, asynchronous delivery through the same processing pipeline (parse,
 * dedupe, retries, DLT). Dead letters are kept in memory (deadLetters()), logged and counted.
 * Group positions live as long as the process; nothing survives a restart.
 */
export class EmbeddedTransport extends EventTransport {
  readonly mode = 'embedded' as const;
  private readonly logger = new Logger('Kafka');
  private readonly dead: StoredDeadLetter[] = [];
  /** The groups this transport subscribed (a shared bus also holds other applications' groups). */
  private readonly ownGroups = new Set<EmbeddedGroup>();
  private started = false;

  constructor(
    private readonly metrics: KafkaMetrics,
    private readonly bus: EmbeddedBus = new EmbeddedBus(),
  ) {
    super();
  }

  private get topics(): Map<string, PartitionLog[]> {
    return this.bus.topics;
  }

  private get groups(): Map<string, EmbeddedGroup> {
    return this.bus.groups;
  }

  private get committed(): Map<string, Map<string, number>> {
    return this.bus.committed;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.logger.log('Kafka: embedded in-process transport (no KAFKA_BROKERS configured)');
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.start();
    const partitions = this.partitionsOf(topic);
    const timestamp = String(Date.now());
    for (const m of messages) {
      const index = m.key === null ? this.bus.roundRobin++ % partitions.length : hashKey(m.key) % partitions.length;
      const value = m.value === null ? null : Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value, 'utf8');
      partitions[index].append({ key: m.key, value, headers: { ...m.headers }, timestamp }, PARTITION_CAPACITY);
    }
    for (const group of this.groups.values()) {
      if (group.spec.topics.includes(topic)) setImmediate(() => this.schedule(group));
    }
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    const stored: StoredDeadLetter = { ...letter, deadLetterTopic: deadLetterTopicOf(letter.record.topic), failedAt: new Date().toISOString() };
    this.dead.push(stored);
    if (this.dead.length > DEAD_LETTER_CAPACITY) this.dead.shift();
    this.logger.warn(
      `Kafka (embedded): dead letter on ${stored.deadLetterTopic} from ${letter.record.topic}/${letter.record.partition}@${letter.record.offset} ` +
        `(group ${letter.groupId}): ${letter.reason}: ${letter.error}`,
    );
  }

  /** The dead letters so far (oldest first, at most 10,000). */
  deadLetters(): readonly StoredDeadLetter[] {
    return [...this.dead];
  }

  async consume(spec: ConsumerSpec): Promise<ConsumerHandle> {
    await this.start();
    if (this.groups.has(spec.groupId)) {
      throw new Error(`embedded transport: consumer group ${spec.groupId} is already subscribed in this process`);
    }
    const committed = this.committed.get(spec.groupId) ?? new Map<string, number>();
    const positions = new Map<string, number>();
    for (const topic of spec.topics) {
      this.partitionsOf(topic).forEach((log, partition) => {
        const key = partitionKey(topic, partition);
        positions.set(key, committed.get(key) ?? (spec.fromBeginning ? log.base : log.end));
      });
    }
    const group: EmbeddedGroup = { spec, positions, running: true, again: false, blocked: new Set<string>() };
    this.groups.set(spec.groupId, group);
    this.ownGroups.add(group);
    this.logger.log(`Kafka (embedded): consumer ${spec.groupId} subscribed to ${spec.topics.join(', ')}`);
    setImmediate(() => this.schedule(group));
    return {
      groupId: spec.groupId,
      topics: spec.topics,
      ready: Promise.resolve(),
      stop: async () => {
        if (!group.running) return;
        group.running = false;
        if (group.retryTimer) clearTimeout(group.retryTimer);
        await group.draining;
        this.committed.set(spec.groupId, new Map(group.positions));
        this.groups.delete(spec.groupId);
        this.ownGroups.delete(group);
      },
    };
  }

  private partitionsOf(topic: string): PartitionLog[] {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new Error(`embedded transport: unknown topic ${topic} (only TOPIC_SPECS topics and their DLTs exist)`);
    return partitions;
  }

  private schedule(group: EmbeddedGroup): void {
    if (!group.running) return;
    if (group.draining) {
      group.again = true;
      return;
    }
    group.draining = (async () => {
      try {
        do {
          group.again = false;
          await this.drain(group);
        } while (group.again && group.running);
      } finally {
        group.draining = undefined;
      }
    })();
  }

  /** Delivers everything after the group's positions; partitions in parallel up to partitionsConsumedConcurrently. */
  private async drain(group: EmbeddedGroup): Promise<void> {
    const slots = group.spec.topics.flatMap((topic) => this.partitionsOf(topic).map((log, partition) => ({ topic, partition, log })));
    const width = Math.max(1, group.spec.partitionsConsumedConcurrently);
    let progressed = true;
    while (progressed && group.running) {
      progressed = false;
      for (let i = 0; i < slots.length && group.running; i += width) {
        const results = await Promise.all(slots.slice(i, i + width).map((slot) => this.deliver(group, slot.topic, slot.partition, slot.log)));
        if (results.some(Boolean)) progressed = true;
      }
    }
  }

  /** Hands one batch of one partition to the pipeline; returns whether the position moved. */
  private async deliver(group: EmbeddedGroup, topic: string, partition: number, log: PartitionLog): Promise<boolean> {
    const key = partitionKey(topic, partition);
    if (group.blocked.has(key)) return false;
    let position = group.positions.get(key) ?? log.end;
    if (position < log.base) {
      this.logger.warn(`Kafka (embedded): ${group.spec.groupId} fell behind on ${topic}/${partition}; ${log.base - position} messages were dropped`);
      position = log.base;
    }
    if (position >= log.end) return false;
    const records: InboundRecord[] = log.read(position, BATCH_SIZE).map(({ offset, message }) => ({
      topic,
      partition,
      offset: String(offset),
      key: message.key,
      value: message.value,
      headers: { ...message.headers },
      timestamp: message.timestamp,
    }));
    let next = position;
    const control: BatchControl = {
      resolve: (offset) => {
        next = Math.max(next, Number(offset) + 1);
      },
      heartbeat: async () => undefined,
      isRunning: () => group.running,
    };
    try {
      await group.spec.process(records, control);
    } catch (error) {
      this.logger.error(
        `Kafka (embedded): ${group.spec.groupId} failed on ${topic}/${partition}@${next}, redelivering in ${RETRY_DELAY_MS} ms: ` +
          `${error instanceof Error ? error.message : String(error)}`,
      );
      group.positions.set(key, next);
      group.blocked.add(key);
      if (!group.retryTimer) {
        group.retryTimer = setTimeout(() => {
          group.retryTimer = undefined;
          group.blocked.clear();
          this.schedule(group);
        }, RETRY_DELAY_MS);
        group.retryTimer.unref();
      }
      return false;
    }
    group.positions.set(key, next);
    this.metrics.lag.set({ group: group.spec.groupId, topic, partition: String(partition) }, log.end - next);
    return next > position;
  }

  async health(key: string): Promise<HealthIndicatorResult> {
    return { [key]: { status: 'up', mode: 'embedded' } };
  }

  async shutdown(): Promise<void> {
    const own = [...this.ownGroups];
    for (const group of own) {
      group.running = false;
      if (group.retryTimer) clearTimeout(group.retryTimer);
    }
    await Promise.allSettled(own.map((g) => g.draining));
    for (const group of own) this.groups.delete(group.spec.groupId);
    this.ownGroups.clear();
  }
}
