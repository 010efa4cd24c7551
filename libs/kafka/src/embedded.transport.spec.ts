import { Topics } from '@meal/contracts';
import { sampleMealScanned, sampleMealVerified } from '@meal/contracts/event-samples';
import { CorrelationContext, MetricsService } from '@meal/platform';
import { EmbeddedTransport } from './embedded.transport';
import { EventConsumerRegistry } from './event-consumer.registry';
import { EventDeduplicator } from './event-deduplicator';
import { EventPublisher } from './event-publisher.service';
import { KafkaMetrics } from './kafka-metrics';
import { EventMeta, resolveKafkaOptions } from './kafka.types';
import { ParsedEvent } from '@meal/contracts';

const noDeduplicator: EventDeduplicator = {
  claim: () => Promise.reject(new Error('not used')),
  claimMany: () => Promise.reject(new Error('not used')),
};

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function build() {
  const metrics = new KafkaMetrics(new MetricsService());
  const transport = new EmbeddedTransport(metrics);
  const registry = new EventConsumerRegistry(transport, metrics, resolveKafkaOptions({ retryBackoffMs: 1, maxRetries: 1 }), noDeduplicator);
  const publisher = new EventPublisher(transport, metrics);
  return { metrics, transport, registry, publisher };
}

describe('EmbeddedTransport', () => {
  it('delivers published events asynchronously with headers and the correlation id', async () => {
    const { transport, registry, publisher } = build();
    const received: { event: ParsedEvent; meta: EventMeta; correlation: string | undefined }[] = [];
    await registry.subscribe({
      groupId: 'test.embedded',
      topics: [Topics.MealEvents],
      handler: async (event, meta) => void received.push({ event, meta, correlation: CorrelationContext.current() }),
    });
    const event = sampleMealScanned();
    await CorrelationContext.run('corr-embedded', () => publisher.publish(Topics.MealEvents, [event]));
    expect(received).toHaveLength(0); // asynchronous, like the broker
    await waitFor(() => received.length === 1);
    expect(received[0].event.eventId).toBe(event.eventId);
    expect(received[0].correlation).toBe('corr-embedded');
    expect(received[0].meta.headers).toMatchObject({
      'event-type': 'meal.scanned',
      'event-version': '1',
      'event-id': event.eventId,
      'x-correlation-id': 'corr-embedded',
    });
    await registry.stopAll();
    await transport.shutdown();
  });

  it('keeps the order of one aggregate and dead-letters in memory', async () => {
    const { transport, registry, publisher, metrics } = build();
    const order: string[] = [];
    await registry.subscribe({
      groupId: 'test.embedded-order',
      topics: [Topics.MealEvents],
      fromBeginning: true,
      handler: async (event) => {
        if (event.type === 'meal.verified') throw new Error('cannot verify');
        order.push(event.eventId);
      },
    });
    const mealId = '0b6a3b8e-9d1e-4c1e-8f3a-1b2c3d4e5f60';
    const events = [sampleMealScanned({ mealId }), sampleMealVerified({ mealId }), sampleMealScanned({ mealId })];
    await publisher.publish(Topics.MealEvents, events);
    await transport.publish(Topics.MealEvents, [{ key: mealId, value: '{not json', headers: {} }]);
    await waitFor(() => transport.deadLetters().length === 2);
    expect(order).toEqual([events[0].eventId, events[2].eventId]);
    expect(transport.deadLetters().map((d) => [d.reason, d.deadLetterTopic])).toEqual([
      ['HANDLER_FAILED', 'meal.events.dlt'],
      ['MALFORMED_JSON', 'meal.events.dlt'],
    ]);
    const dead = await metrics.deadLettered.get();
    expect(dead.values.reduce((n, v) => n + v.value, 0)).toBe(2);
    await registry.stopAll();
  });

  it('starts at the end for a new group unless fromBeginning, and resumes a group after a restart', async () => {
    const { transport, registry, publisher } = build();
    await publisher.publish(Topics.MealEvents, [sampleMealScanned()]);
    const latest: string[] = [];
    const handle = await registry.subscribe({ groupId: 'test.latest', topics: [Topics.MealEvents], handler: async (e) => void latest.push(e.eventId) });
    const later = sampleMealScanned();
    await publisher.publish(Topics.MealEvents, [later]);
    await waitFor(() => latest.length === 1);
    expect(latest).toEqual([later.eventId]);
    await handle.stop();
    const whileStopped = sampleMealScanned();
    await publisher.publish(Topics.MealEvents, [whileStopped]);
    await registry.subscribe({ groupId: 'test.latest', topics: [Topics.MealEvents], handler: async (e) => void latest.push(e.eventId) });
    await waitFor(() => latest.length === 2);
    expect(latest[1]).toBe(whileStopped.eventId);
    await registry.stopAll();
    await expect(transport.publish('no.such-topic', [{ key: null, value: '{}', headers: {} }])).rejects.toThrow('unknown topic');
  });

  it('refuses invalid events at publish time and bad group ids at subscribe time', async () => {
    const { registry, publisher } = build();
    const bad = sampleMealScanned({ priceFen: -1 });
    await expect(publisher.publish(Topics.MealEvents, [bad])).rejects.toThrow('payload.priceFen');
    await expect(registry.subscribe({ groupId: 'Bad Group', topics: [Topics.MealEvents], handler: async () => undefined })).rejects.toThrow(
      'consumer group id',
    );
  });

  it('reports healthy in embedded mode', async () => {
    const { transport } = build();
    await expect(transport.health('kafka')).resolves.toEqual({ kafka: { status: 'up', mode: 'embedded' } });
  });
});
