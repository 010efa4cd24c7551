import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKeyPairFiles } from '@meal/auth';
import { ConsumedEvent, EventConsumerRegistry, EventPublisher } from '@meal/kafka';
import { Topics } from '@meal/contracts';
import { sampleMealScanned } from '@meal/contracts/event-samples';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { CanteenAppModule } from '../../apps/canteen/src/canteen-app.module';
import { RiskAppModule } from '../../apps/risk/src/risk-app.module';

/** Embedded mode: the canteen and risk services in one process share the bus, so events cross between them. */
describe('all-in-one embedded event bus', () => {
  let db: TestDatabase;
  const apps: INestApplication[] = [];

  async function boot(module: ReturnType<typeof CanteenAppModule.forRoot>): Promise<INestApplication> {
    const ref = await Test.createTestingModule({ imports: [module] }).compile();
    const app = ref.createNestApplication({ logger: false });
    await app.init();
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    db = await createTestDatabase('allinone');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  function overrides(bus: string): Record<string, string> {
    const keys = mkdtempSync(join(tmpdir(), 'meal-keys-'));
    return {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: '',
      KAFKA_EMBEDDED_BUS: bus,
      LOG_LEVEL: 'silent',
      AUTH_PRIVATE_KEY_FILE: join(keys, 'id.pem'),
      AUTH_PUBLIC_KEY_FILE: join(keys, 'id.pub.pem'),
      MEAL_CODE_PRIVATE_KEY_FILE: join(keys, 'mc.pem'),
      MEAL_CODE_PUBLIC_KEY_FILE: join(keys, 'mc.pub.pem'),
    };
  }

  async function prepareKeys(o: Record<string, string>): Promise<void> {
    await ensureKeyPairFiles(o.AUTH_PRIVATE_KEY_FILE, o.AUTH_PUBLIC_KEY_FILE);
  }

  it('delivers an event published by the canteen service to a risk-service consumer on the same named bus', async () => {
    const o = overrides('test-shared');
    await prepareKeys(o);
    const canteen = await boot(CanteenAppModule.forRoot(o));
    const risk = await boot(RiskAppModule.forRoot(o));
    const received: ConsumedEvent[] = [];
    await risk.get(EventConsumerRegistry).subscribe({
      groupId: 'risk.test-all-in-one',
      topics: [Topics.MealEvents],
      handler: async (event) => void received.push(event as unknown as ConsumedEvent),
    });
    const event = sampleMealScanned();
    await canteen.get(EventPublisher).publish(Topics.MealEvents, [event]);
    for (let i = 0; i < 100 && received.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    expect(JSON.stringify(received[0])).toContain(event.eventId);
  });

  it('keeps applications on different buses apart', async () => {
    const a = overrides('bus-a');
    const b = overrides('bus-b');
    await prepareKeys(a);
    await prepareKeys(b);
    const canteen = await boot(CanteenAppModule.forRoot(a));
    const risk = await boot(RiskAppModule.forRoot(b));
    const received: unknown[] = [];
    await risk.get(EventConsumerRegistry).subscribe({
      groupId: 'risk.test-separate',
      topics: [Topics.MealEvents],
      handler: async (event) => void received.push(event),
    });
    await canteen.get(EventPublisher).publish(Topics.MealEvents, [sampleMealScanned()]);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(0);
  });
});
