import { Logger } from '@nestjs/common';
import { sampleMealScanned, sampleMealVerified } from '@meal/contracts/event-samples';
import { CorrelationContext, MetricsService } from '@meal/platform';
import { EntityManager } from 'typeorm';
import { EventDeduplicator } from './event-deduplicator';
import { EventMessageProcessor, ProcessorDependencies, ProcessorHandler } from './event-message.processor';
import { BatchControl, DeadLetter } from './event-transport';
import { KafkaMetrics } from './kafka-metrics';
import { ConsumedEvent, InboundRecord, PermanentEventError } from './kafka.types';

/** Remembers claimed ids in memory; the "manager" is a stand-in object. */
class MemoryDeduplicator implements EventDeduplicator {
  readonly seen = new Set<string>();
  failNext = false;
  readonly manager = {} as EntityManager;

  async claim(group: string, eventId: string, work: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database unavailable');
    }
    const key = `${group}/${eventId}`;
    if (this.seen.has(key)) return false;
    await work(this.manager);
    this.seen.add(key);
    return true;
  }

  async claimMany(
    group: string,
    eventIds: readonly string[],
    work: (manager: EntityManager, fresh: ReadonlySet<string>) => Promise<void>,
  ): Promise<ReadonlySet<string>> {
    const fresh = new Set(eventIds.filter((id) => !this.seen.has(`${group}/${id}`)));
    if (fresh.size > 0) await work(this.manager, fresh);
    for (const id of fresh) this.seen.add(`${group}/${id}`);
    return fresh;
  }
}

let offset = 0;
function record(value: unknown, headers: Record<string, string> = {}): InboundRecord {
  offset += 1;
  const bytes = value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return { topic: 'meal.events', partition: 0, offset: String(offset), key: 'k', value: bytes, headers, timestamp: '0' };
}

function setup(handler: ProcessorHandler, overrides: Partial<ProcessorDependencies> = {}) {
  const letters: DeadLetter[] = [];
  const resolved: string[] = [];
  const metrics = new KafkaMetrics(new MetricsService());
  const logger = new Logger('test');
  jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  const processor = new EventMessageProcessor(
    {
      groupId: 'test.group',
      dedupe: false,
      maxRetries: 2,
      retryBackoffMs: 1,
      metrics,
      logger,
      deadLetter: async (letter) => {
        letters.push(letter);
      },
      sleep: async () => undefined,
      ...overrides,
    },
    handler,
  );
  const control: BatchControl = { resolve: (o) => resolved.push(o), heartbeat: async () => undefined, isRunning: () => true };
  return { processor, letters, resolved, control, metrics };
}

describe('EventMessageProcessor (one event at a time)', () => {
  it('hands valid events to the handler inside their correlation context and resolves every offset', async () => {
    const seen: { id: string; correlation: string | undefined }[] = [];
    const { processor, letters, resolved, control } = setup({
      kind: 'single',
      handler: async (event) => {
        seen.push({ id: event.eventId, correlation: CorrelationContext.current() });
      },
    });
    const a = sampleMealScanned({}, { correlationId: 'corr-a' });
    const b = sampleMealVerified();
    const records = [record(a), record(b, { 'x-correlation-id': 'corr-b' })];
    await processor.process(records, control);
    expect(seen).toEqual([
      { id: a.eventId, correlation: 'corr-a' },
      { id: b.eventId, correlation: 'corr-b' },
    ]);
    expect(letters).toHaveLength(0);
    expect(resolved).toEqual(records.map((r) => r.offset));
  });

  it('dead-letters unparseable messages with the reason and carries on', async () => {
    const handled: string[] = [];
    const { processor, letters, resolved, control, metrics } = setup({ kind: 'single', handler: async (e) => void handled.push(e.eventId) });
    const good = sampleMealScanned();
    const records = [record('{oops'), record({ ...sampleMealScanned(), version: 7 }), record(null), record(good)];
    await processor.process(records, control);
    expect(letters.map((l) => l.reason)).toEqual(['MALFORMED_JSON', 'UNSUPPORTED_VERSION', 'MALFORMED_JSON']);
    expect(handled).toEqual([good.eventId]);
    expect(resolved).toHaveLength(4);
    expect((await metrics.deadLettered.get()).values.reduce((n, v) => n + v.value, 0)).toBe(3);
  });

  it('retries a failing handler, then succeeds', async () => {
    let calls = 0;
    const { processor, letters, control } = setup({
      kind: 'single',
      handler: async () => {
        calls += 1;
        if (calls < 3) throw new Error('flaky');
      },
    });
    await processor.process([record(sampleMealScanned())], control);
    expect(calls).toBe(3);
    expect(letters).toHaveLength(0);
  });

  it('dead-letters after the retries are used up, and at once for a PermanentEventError', async () => {
    let calls = 0;
    const { processor, letters, control } = setup({
      kind: 'single',
      handler: async (event) => {
        calls += 1;
        if (event.type === 'meal.verified') throw new PermanentEventError('never valid');
        throw new Error('always broken');
      },
    });
    await processor.process([record(sampleMealScanned()), record(sampleMealVerified())], control);
    expect(calls).toBe(3 + 1);
    expect(letters.map((l) => [l.reason, l.error])).toEqual([
      ['HANDLER_FAILED', 'Error: always broken'],
      ['HANDLER_FAILED', 'PermanentEventError: never valid'],
    ]);
  });

  it('skips a redelivered event when deduplicating, and passes the transaction manager', async () => {
    const deduplicator = new MemoryDeduplicator();
    const managers: unknown[] = [];
    const { processor, control, metrics } = setup(
      { kind: 'single', handler: async (_e, meta) => void managers.push(meta.manager) },
      { dedupe: true, deduplicator },
    );
    const event = sampleMealScanned();
    await processor.process([record(event), record(event)], control);
    await processor.process([record(event)], control);
    expect(managers).toEqual([deduplicator.manager]);
    expect((await metrics.duplicates.get()).values[0].value).toBe(2);
  });

  it('throws deduplicator failures to the transport instead of dead-lettering', async () => {
    const deduplicator = new MemoryDeduplicator();
    deduplicator.failNext = true;
    const { processor, letters, resolved, control } = setup({ kind: 'single', handler: async () => undefined }, { dedupe: true, deduplicator });
    await expect(processor.process([record(sampleMealScanned())], control)).rejects.toThrow('database unavailable');
    expect(letters).toHaveLength(0);
    expect(resolved).toHaveLength(0);
  });

  it('stops when the consumer is no longer running', async () => {
    const { processor, resolved } = setup({ kind: 'single', handler: async () => undefined });
    await processor.process([record(sampleMealScanned())], { resolve: (o) => resolved.push(o), heartbeat: async () => undefined, isRunning: () => false });
    expect(resolved).toHaveLength(0);
  });
});

describe('EventMessageProcessor (batches)', () => {
  it('gives the valid events of a batch to the handler in one call, in order', async () => {
    const batches: ConsumedEvent[][] = [];
    const { processor, letters, resolved, control } = setup({ kind: 'batch', maxBatchSize: 100, handler: async (events) => void batches.push(events) });
    const events = [sampleMealScanned(), sampleMealScanned(), sampleMealScanned()];
    const records = [record(events[0]), record('not json'), record(events[1]), record(events[2])];
    await processor.process(records, control);
    expect(batches).toHaveLength(1);
    expect(batches[0].map((c) => c.event.eventId)).toEqual(events.map((e) => e.eventId));
    expect(letters.map((l) => l.reason)).toEqual(['MALFORMED_JSON']);
    expect(resolved).toEqual([records[3].offset]);
  });

  it('splits a failing batch and dead-letters only the poison event', async () => {
    const handled: string[] = [];
    const poison = sampleMealScanned({ priceFen: 666 });
    const { processor, letters, control } = setup({
      kind: 'batch',
      maxBatchSize: 100,
      handler: async (events) => {
        if (events.some((c) => c.event.type === 'meal.scanned' && c.event.payload.priceFen === 666)) throw new Error('poison');
        handled.push(...events.map((c) => c.event.eventId));
      },
    });
    const a = sampleMealScanned();
    const b = sampleMealScanned();
    await processor.process([record(a), record(poison), record(b)], control);
    expect(handled).toEqual([a.eventId, b.eventId]);
    expect(letters.map((l) => [l.reason, l.record.offset !== undefined])).toEqual([['HANDLER_FAILED', true]]);
  });

  it('deduplicates batches, including duplicates inside one batch', async () => {
    const deduplicator = new MemoryDeduplicator();
    const handled: string[] = [];
    const { processor, control } = setup(
      { kind: 'batch', maxBatchSize: 2, handler: async (events) => void handled.push(...events.map((c) => c.event.eventId)) },
      { dedupe: true, deduplicator },
    );
    const a = sampleMealScanned();
    const b = sampleMealScanned();
    await processor.process([record(a), record(a), record(b), record(a)], control);
    expect(handled).toEqual([a.eventId, b.eventId]);
  });
});
